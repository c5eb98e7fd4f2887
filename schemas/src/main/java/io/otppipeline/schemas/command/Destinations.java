package io.otppipeline.schemas.command;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * Normal forms of destinations, applied by otp-api before a destination is sealed into a command, so that every
 * limit keyed by destination (the processor's send gate, docs/ARCHITECTURE.md section 5b) counts one number or
 * one mailbox once however the caller spelled it.
 *
 * <p>Phone numbers: parsed and validated by Google's libphonenumber, the country taken from the number itself
 * (a leading {@code +} and country calling code are required; no default region), written in E.164. E-mail
 * addresses: the domain in lower case and in its ASCII (IDNA, RFC 5891) form; the local part is kept as given
 * (RFC 5321 section 2.4 leaves its case to the receiving host).
 */
public final class Destinations {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private Destinations() {
    }

    /**
     * The E.164 form of {@code phone} ({@code +} and up to 15 digits), or empty if libphonenumber finds no valid
     * number in it (unknown country calling code, wrong length for the country, unassigned range).
     *
     * @param phone an international number such as {@code +44 20 7946 0958} or {@code +14155550123}
     */
    public static Optional<String> normalizePhone(final String phone) {
        return parseValid(phone).map(n -> PHONES.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
    }

    /**
     * Where an E.164 number goes: its country calling code and region. Never throws: a number libphonenumber
     * cannot parse (only commands written before otp-api normalised numbers can hold one) gets
     * {@link PhoneRoute#UNKNOWN}, whose region no country allow-list names.
     */
    public static PhoneRoute route(final String e164) {
        try {
            final PhoneNumber number = PHONES.parse(e164, "ZZ");
            final String region = PHONES.getRegionCodeForNumber(number);
            return new PhoneRoute(number.getCountryCode(), region == null ? PhoneRoute.UNKNOWN_REGION : region);
        } catch (NumberParseException e) {
            return PhoneRoute.UNKNOWN;
        }
    }

    /**
     * {@code address} with its domain in lower-case ASCII (IDNA), or empty if the domain is not a valid
     * internationalised domain name.
     *
     * @param address {@code local@domain}, already checked to hold exactly one {@code @}
     */
    public static Optional<String> normalizeEmail(final String address) {
        final int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return Optional.empty();
        }
        try {
            final String domain = IDN.toASCII(address.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
            return Optional.of(address.substring(0, at + 1) + domain.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<PhoneNumber> parseValid(final String phone) {
        if (phone == null || !phone.strip().startsWith("+")) {
            return Optional.empty();
        }
        try {
            final PhoneNumber number = PHONES.parse(phone, "ZZ");
            return PHONES.isValidNumber(number) ? Optional.of(number) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Country calling code and region of a phone number: the key of the send gate's per-country budget and of
     * its country allow-list (docs/ARCHITECTURE.md section 5b).
     *
     * @param callingCode ITU-T E.164 country calling code, for example {@code 44}; numbers of one calling code
     *     share a budget even across regions ({@code +1} covers the United States, Canada and the Caribbean)
     * @param region ISO 3166-1 alpha-2 region of the number, for example {@code GB}; {@code 001} for non-geographic
     *     numbers (libphonenumber's code), or {@link #UNKNOWN_REGION} when the number cannot be parsed
     */
    public record PhoneRoute(int callingCode, String region) {

        /** Region of a number libphonenumber cannot parse or place. */
        public static final String UNKNOWN_REGION = "ZZ";
        /** The route of a number that cannot be parsed. */
        public static final PhoneRoute UNKNOWN = new PhoneRoute(0, UNKNOWN_REGION);

        /** The prefix as written in events: {@code +} and the calling code, for example {@code +44}. */
        public String prefix() {
            return "+" + callingCode;
        }
    }
}
