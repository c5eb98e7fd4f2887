package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.Destinations;
import io.otppipeline.schemas.crypto.Mac;

/**
 * Masks a destination for replies and public events, keeping just enough for a person to recognise it:
 * {@code alice@example.com} → {@code a***e@example.com}, {@code +14155550123} → {@code +1********23} (the country
 * calling code and the last two digits: the code is public in {@code data.destination} anyway, and the SMS-pumping
 * runbook groups masked numbers by it); and
 * computes the keyed hash that lets event consumers correlate one destination without seeing it
 * (docs/EVENTS.md, "Destinations").
 */
public final class DestinationMask {

    private DestinationMask() {
    }

    /**
     * The keyed hash of {@code destination}: {@code <kid>:<base64 HMAC-SHA-256>} under the pepper keyring's active key,
     * over ({@code "destination"}, tenant, channel, destination), an e-mail address as its canonical mailbox
     * ({@link Mailboxes#canonical}: lower case, no plus tag, no dots where the provider ignores them), so every
     * spelling that reaches one inbox shares one hash and one send budget. The tenant is part of the input, so the
     * same address has unrelated hashes in two tenants (tenant isolation); without the key nobody can test a guessed
     * address against it (a plain SHA-256 of a phone number is reversed by enumerating the number space).
     */
    public static String keyedHash(final Mac pepper, final Mailboxes mailboxes, final String tenantId,
                                   final Channel channel, final String destination) {
        final String normalized = channel == Channel.EMAIL ? mailboxes.canonical(tenantId, destination)
                : destination.strip();
        final String kid = pepper.activeKid();
        return kid + ":" + pepper.sign(kid, "destination", tenantId, channel.wireName(), normalized);
    }

    /** The masked form of {@code destination} on {@code channel}; always contains {@code *}. */
    public static String mask(final Channel channel, final String destination) {
        return channel == Channel.EMAIL ? maskEmail(destination) : maskPhone(destination);
    }

    /**
     * The first and last characters of the local part around {@code ***}, counted in code points so that a
     * character outside the Basic Multilingual Plane (an emoji) is kept whole, never split into a lone surrogate
     * that JSON consumers and PostgreSQL refuse.
     */
    private static String maskEmail(final String address) {
        final int at = address.lastIndexOf('@');
        final String local = at < 0 ? address : address.substring(0, at);
        final String domain = at < 0 ? "" : address.substring(at);
        final int[] points = local.codePoints().toArray();
        if (points.length == 0) {
            return "***" + domain;
        }
        final String first = new String(points, 0, 1);
        if (points.length <= 2) {
            return first + "***" + domain;
        }
        return first + "***" + new String(points, points.length - 1, 1) + domain;
    }

    private static String maskPhone(final String number) {
        final int keep = 2;
        final int callingCode = Destinations.route(number).callingCode();
        final String shown = callingCode == 0 ? "+" : "+" + callingCode;
        return shown + "*".repeat(Math.max(1, number.length() - shown.length() - keep))
                + number.substring(number.length() - keep);
    }
}
