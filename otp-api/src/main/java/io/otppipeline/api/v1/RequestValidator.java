package io.otppipeline.api.v1;

import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemException;
import io.otppipeline.api.http.Problem.FieldError;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.Destinations;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.IpKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Field rules of the two POST bodies. Messages name the field and the rule, never the value.
 *
 * <p>Sources: E.164 (ITU-T) and Google's libphonenumber for phone numbers, IDNA (RFC 5891) for domains, RFC 5321 section 4.5.3.1 for the 254-character address
 * limit, RFC 5646 for language tags.
 */
public final class RequestValidator {

    private static final Pattern USER_ID = Pattern.compile("^[\\p{Graph}]{1,128}$");
    private static final Pattern PURPOSE = Pattern.compile("^[a-z][a-z0-9_]{0,31}$");
    /** RFC 5322 {@code atext} (one or more), widened to every character beyond ASCII (RFC 6531). */
    private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\x{80}-\\x{10FFFF}-]+";
    /**
     * A plain address {@code local@domain} of at most 254 characters (RFC 5321 section 4.5.3.1): the local part a
     * dot-atom of at most 64 (RFC 5322 section 3.2.3 {@code atext}, and UTF-8 beyond ASCII as RFC 6531 allows), so no
     * comment, quoted string or display name, which a mailer folds into one inbox while budgets would count each
     * spelling apart; the domain checked further as an IDN ({@link Destinations#normalizeEmail}).
     */
    private static final Pattern EMAIL = Pattern.compile("^(?=.{3,254}$)(?=[^@]{1,64}@)" + ATOM + "(?:\\."
            + ATOM + ")*@[^@\\s\\[\\]()<>]+\\.[^@\\s\\[\\]()<>]+$");
    /** An international number as people write it; libphonenumber then decides whether it is valid. */
    private static final Pattern PHONE = Pattern.compile("^\\+[0-9 ()./-]{6,30}$");
    private static final Pattern LOCALE = Pattern.compile("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$");
    private static final Pattern IP = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");
    private static final Pattern CODE = Pattern.compile("^[0-9]{6,9}$");
    /** A CAPTCHA widget's token: Turnstile documents at most 2,048 characters; room for the other two. */
    private static final Pattern CAPTCHA_TOKEN = Pattern.compile("^[\\p{Graph}]{1,4096}$");
    private static final String CAPTCHA_TOKEN_RULE = "must be 1 to 4096 printable characters without spaces";
    private static final Pattern FACTOR_CODE = Pattern.compile("^([0-9]{6}|[0-9]{8})$");
    private static final Pattern UUID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final int MAX_USER_AGENT = 512;

    private RequestValidator() {
    }

    /**
     * Checks the body and returns it with its destination in normal form ({@link Destinations}): an SMS number
     * in E.164 as Google's libphonenumber writes it (spaces, dashes and parentheses allowed on input; numbers
     * libphonenumber does not know as valid refused), an e-mail address with its domain in lower-case ASCII.
     *
     * @throws ProblemException 400 listing every invalid field
     */
    public static CreateOtpRequest checked(final CreateOtpRequest r) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "userId", r.userId(), USER_ID, "must be 1 to 128 printable characters without spaces");
        require(errors, "purpose", r.purpose(), PURPOSE, "must be lower snake case, at most 32 characters");
        if (OtpRequested.LOCKOUT_NOTICE_PURPOSE.equals(r.purpose())) {
            errors.add(new FieldError("purpose", "is reserved for lockout notices"));
        }
        String destination = null;
        if (r.channel() == null) {
            errors.add(new FieldError("channel", "is required"));
        } else if ("email".equals(r.channel())) {
            final String message = "must be a plain e-mail address (local@domain) of at most 254 characters, without "
                    + "display name, comment or quoted local part";
            if (require(errors, "destination", r.destination(), EMAIL, message)) {
                destination = isText(r.destination())
                        ? normalized(errors, Destinations.normalizeEmail(r.destination()), message)
                        : normalized(errors, Optional.empty(), message);
            }
        } else if ("sms".equals(r.channel())) {
            final String message = "must be a valid phone number in international form, such as +14155550123";
            if (require(errors, "destination", r.destination(), PHONE, message)) {
                destination = normalized(errors, Destinations.normalizePhone(r.destination()), message);
            }
        } else {
            errors.add(new FieldError("channel", "must be email or sms"));
        }
        optional(errors, "locale", r.locale(), LOCALE, "must be a BCP 47 language tag such as en or pt-BR");
        client(errors, r.client());
        optional(errors, "captchaToken", r.captchaToken(), CAPTCHA_TOKEN, CAPTCHA_TOKEN_RULE);
        throwIfAny(errors);
        return new CreateOtpRequest(r.userId(), r.channel(), destination, r.purpose(), r.locale(), r.client(),
                r.captchaToken());
    }

    private static String normalized(final List<FieldError> errors, final Optional<String> value,
                                     final String message) {
        if (value.isEmpty()) {
            errors.add(new FieldError("destination", message));
        }
        return value.orElse(null);
    }

    /** @throws ProblemException 400 listing every invalid field */
    public static void check(final VerifyOtpRequest r) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "userId", r.userId(), USER_ID, "must be 1 to 128 printable characters without spaces");
        require(errors, "purpose", r.purpose(), PURPOSE, "must be lower snake case, at most 32 characters");
        require(errors, "code", r.code(), CODE, "must be 6 to 9 digits");
        optional(errors, "otpId", r.otpId(), UUID, "must be a lower-case UUID");
        client(errors, r.client());
        optional(errors, "captchaToken", r.captchaToken(), CAPTCHA_TOKEN, CAPTCHA_TOKEN_RULE);
        throwIfAny(errors);
    }

    /** @throws ProblemException 400 if the path's otpId or the body is invalid */
    public static void check(final String otpId, final ConsumeOtpRequest r) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "otpId", otpId, UUID, "must be a lower-case UUID");
        require(errors, "userId", r.userId(), USER_ID, "must be 1 to 128 printable characters without spaces");
        client(errors, r.client());
        throwIfAny(errors);
    }

    /** @throws ProblemException 400 if the path's userId or factorId or the code is invalid */
    static void checkFactorCode(final String userId, final String factorId, final String code,
                                final ClientInfo client) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "userId", userId, USER_ID, "must be 1 to 128 printable characters without spaces");
        optional(errors, "factorId", factorId, UUID, "must be a lower-case UUID");
        require(errors, "code", code, FACTOR_CODE, "must be 6 or 8 digits");
        client(errors, client);
        throwIfAny(errors);
    }

    /** @throws ProblemException 400 if the client object is invalid */
    static void checkClient(final ClientInfo client) {
        final List<FieldError> errors = new ArrayList<>();
        client(errors, client);
        throwIfAny(errors);
    }

    /** @throws ProblemException 400 if the path's userId or factorId is invalid */
    static void checkFactorPath(final String userId, final String factorId) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "userId", userId, USER_ID, "must be 1 to 128 printable characters without spaces");
        if (factorId != null) {
            require(errors, "factorId", factorId, UUID, "must be a lower-case UUID");
        }
        throwIfAny(errors);
    }

    /** @throws ProblemException 400 if the path's userId is invalid */
    static void checkUserId(final String userId) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "userId", userId, USER_ID, "must be 1 to 128 printable characters without spaces");
        throwIfAny(errors);
    }

    private static void client(final List<FieldError> errors, final ClientInfo client) {
        if (client == null) {
            return;
        }
        optional(errors, "client.ip", client.ip(), IP, "must be an IPv4 or IPv6 address");
        if (client.ip() != null && IP.matcher(client.ip()).matches()
                && IpKeys.key(client.ip(), IpKeys.DEFAULT_IPV6_PREFIX).isEmpty()) {
            errors.add(new FieldError("client.ip", "must be an IPv4 or IPv6 address")); // e.g. 999.1.1.1, .::
        }
        if (client.userAgent() != null && client.userAgent().length() > MAX_USER_AGENT) {
            errors.add(new FieldError("client.userAgent", "must be at most 512 characters"));
        } else if (client.userAgent() != null && !isText(client.userAgent())) {
            errors.add(new FieldError("client.userAgent", "must be text without control characters"));
        }
    }

    /**
     * A typed code as people type or paste it, reduced to ASCII digits before it is checked (R1 in
     * docs/ARCHITECTURE.md section 13: "123 456" is 123456): spaces of any kind and dashes of any kind are removed, and every Unicode decimal digit (full-width
     * {@code １２３}, Arabic-Indic, …) becomes its ASCII digit. Anything else is kept, so the pattern check still
     * refuses it.
     *
     * @return the normal form, or {@code null} for {@code null}
     */
    public static String normalizeCode(final String code) {
        if (code == null) {
            return null;
        }
        final StringBuilder digits = new StringBuilder(code.length());
        code.codePoints().forEach(cp -> {
            if (Character.isSpaceChar(cp) || Character.isWhitespace(cp)
                    || Character.getType(cp) == Character.DASH_PUNCTUATION || cp == '\u2212') {
                return; // separators people type between groups: "123 456", "123-456", "１２３　４５６"
            }
            if (Character.isDigit(cp)) {
                digits.append((char) ('0' + Character.digit(cp, 10)));
            } else {
                digits.appendCodePoint(cp);
            }
        });
        return digits.toString();
    }

    /**
     * Whether {@code value} is text every consumer can store: no control character (C0, DEL, C1: NUL among them,
     * which PostgreSQL refuses) and no unpaired UTF-16 surrogate (which is not Unicode text at all, and which
     * PostgreSQL's JSONB refuses); so nothing that reaches the event stream can stop the audit log.
     */
    public static boolean isText(final String value) {
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** @return whether the value is present and matches */
    private static boolean require(final List<FieldError> errors, final String field, final String value,
                                   final Pattern rule, final String message) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError(field, "is required"));
            return false;
        } else if (!rule.matcher(value).matches()) {
            errors.add(new FieldError(field, message));
            return false;
        }
        return true;
    }

    private static void optional(final List<FieldError> errors, final String field, final String value,
                                 final Pattern rule, final String message) {
        if (value != null && !rule.matcher(value).matches()) {
            errors.add(new FieldError(field, message));
        }
    }

    private static void throwIfAny(final List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation(errors));
        }
    }
}
