package io.otppipeline.processor;

import io.otppipeline.schemas.command.Channel;

/**
 * Masks a destination for replies and public events, keeping just enough for a person to recognise it:
 * {@code alice@example.com} → {@code a***e@example.com}, {@code +14155550123} → {@code +*********23}.
 */
public final class DestinationMask {

    private DestinationMask() {
    }

    /** The masked form of {@code destination} on {@code channel}; always contains {@code *}. */
    public static String mask(final Channel channel, final String destination) {
        return channel == Channel.EMAIL ? maskEmail(destination) : maskPhone(destination);
    }

    private static String maskEmail(final String address) {
        final int at = address.lastIndexOf('@');
        final String local = at < 0 ? address : address.substring(0, at);
        final String domain = at < 0 ? "" : address.substring(at);
        if (local.length() <= 2) {
            return local.charAt(0) + "***" + domain;
        }
        return local.charAt(0) + "***" + local.charAt(local.length() - 1) + domain;
    }

    private static String maskPhone(final String number) {
        final int keep = 2;
        return "+" + "*".repeat(Math.max(1, number.length() - 1 - keep)) + number.substring(number.length() - keep);
    }
}
