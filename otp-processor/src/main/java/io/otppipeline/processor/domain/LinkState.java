package io.otppipeline.processor.domain;

/**
 * What a pending entry that is a magic link keeps beyond a code's fields ({@link PendingOtp#link()}): its
 * {@link PendingOtp#codeMac()} is the HMAC of the link token's secret part.
 *
 * @param redirectUrl where the confirm step sends the browser (checked against the tenant's allow-list by otp-api)
 * @param opens page fetches so far (users and mail scanners alike)
 * @param exchangeMac once confirmed: HMAC-SHA-256 (pepper, same key id as the token's) of the exchange code's secret;
 *     {@code null} before
 * @param deadOpenSeen whether a fetch that found the link not live (confirmed, expired, or a wrong token) was
 *     recorded: its one {@code otp.magic_link.opened} event; later such fetches record nothing (issue 32: a link
 *     fetched a thousand times must not add a thousand events to a log kept forever)
 */
public record LinkState(String redirectUrl, int opens, String exchangeMac, boolean deadOpenSeen) {

    /** A link not yet fetched dead. */
    public LinkState(final String redirectUrl, final int opens, final String exchangeMac) {
        this(redirectUrl, opens, exchangeMac, false);
    }

    /** Whether the confirm step consumed the link (it waits for its exchange). */
    boolean confirmed() {
        return exchangeMac != null;
    }
}
