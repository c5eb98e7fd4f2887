package io.otppipeline.processor.domain;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which spellings of an e-mail address are one mailbox, for everything that counts or correlates destinations: the
 * per-destination send budget (the send gate keys it on the destination's keyed hash), the safe list, and the
 * {@code destinationHash} of public events. The canonical mailbox is the address in lower case (RFC 5321 lets the
 * local part be case-sensitive; no mainstream provider makes it so), without a plus tag ({@code v+1@x.com} is
 * {@code v@x.com}: RFC 5233 sub-addressing, which Gmail, Outlook, iCloud and Fastmail deliver to the base address),
 * and without dots in the local part for the domains in {@link #DOTLESS_DOMAINS} (Gmail ignores them). Without
 * this, {@code v+1@x.com}, {@code v+2@x.com} … each got their own budget and all reached one inbox (issue 32,
 * e-mail bombing). The code is still mailed to the address as the caller typed it.
 *
 * @param dotlessDomains lower-case domains whose local parts ignore dots ({@link #DOTLESS_DOMAINS})
 * @param literalTenants tenants that count the address as typed, lower-cased only ({@link #LITERAL_TENANTS});
 *     {@code *} for every tenant
 */
public record Mailboxes(SortedSet<String> dotlessDomains, SortedSet<String> literalTenants) {

    public static final Setting<String> DOTLESS_DOMAINS = Setting.string("otp.email.dotless.domains",
            "gmail.com,googlemail.com", "domains whose mailboxes ignore dots in the local part (Gmail's documented "
                    + "behaviour), comma-separated: budgets and destination hashes count v.w@ and vw@ there as one");
    public static final Setting<String> LITERAL_TENANTS = Setting.string("otp.email.literal.tenants", "",
            "tenants whose e-mail budgets and destination hashes take the address as typed (lower-cased) instead "
                    + "of the canonical mailbox (plus tag removed, dots removed for otp.email.dotless.domains), "
                    + "comma-separated, or * for every tenant");

    /** Both settings. */
    public static final List<Setting<?>> SETTINGS = List.of(DOTLESS_DOMAINS, LITERAL_TENANTS);

    /** The defaults named above. */
    public static final Mailboxes DEFAULTS = new Mailboxes(Setting.items("gmail.com,googlemail.com"), Setting.items(""));

    /** Immutable, sorted copies. */
    public Mailboxes {
        dotlessDomains = Collections.unmodifiableSortedSet(new TreeSet<>(dotlessDomains));
        literalTenants = Collections.unmodifiableSortedSet(new TreeSet<>(literalTenants));
    }

    static Mailboxes from(final Settings s) {
        return new Mailboxes(Setting.items(DOTLESS_DOMAINS.read(s).toLowerCase(Locale.ROOT)),
                Setting.items(LITERAL_TENANTS.read(s)));
    }


    /**
     * The mailbox {@code address} delivers to, as {@code tenantId} counts it.
     *
     * @param address {@code local@domain} as otp-api accepted it (a dot-atom local part, an IDNA domain)
     * @return the canonical mailbox, or for a literal tenant the address in lower case
     */
    public String canonical(final String tenantId, final String address) {
        final String lower = address.strip().toLowerCase(Locale.ROOT);
        if (literalTenants.contains("*") || literalTenants.contains(tenantId)) {
            return lower;
        }
        final int at = lower.lastIndexOf('@');
        if (at <= 0) {
            return lower;
        }
        final String domain = lower.substring(at + 1);
        String local = lower.substring(0, at);
        final int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (dotlessDomains.contains(domain)) {
            local = local.replace(".", "");
        }
        return local.isEmpty() ? lower : local + "@" + domain;
    }
}
