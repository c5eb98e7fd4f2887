package io.otppipeline.api;

import io.otppipeline.api.Problem.FieldError;
import io.otppipeline.schemas.command.ClientInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Field rules of the two POST bodies. Messages name the field and the rule, never the value.
 *
 * <p>Sources: E.164 (ITU-T) for phone numbers, RFC 5321 section 4.5.3.1 for the 254-character address
 * limit, RFC 5646 for language tags.
 */
final class RequestValidator {

    private static final Pattern USER_ID = Pattern.compile("^[\\p{Graph}]{1,128}$");
    private static final Pattern PURPOSE = Pattern.compile("^[a-z][a-z0-9_]{0,31}$");
    private static final Pattern EMAIL = Pattern.compile("^(?=.{3,254}$)[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Pattern LOCALE = Pattern.compile("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$");
    private static final Pattern IP = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");
    private static final Pattern CODE = Pattern.compile("^[0-9]{6,9}$");
    private static final Pattern UUID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final int MAX_USER_AGENT = 512;

    private RequestValidator() {
    }

    /** @throws ProblemException 400 listing every invalid field */
    static void check(final CreateOtpRequest r) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "userId", r.userId(), USER_ID, "must be 1 to 128 printable characters without spaces");
        require(errors, "purpose", r.purpose(), PURPOSE, "must be lower snake case, at most 32 characters");
        if (r.channel() == null) {
            errors.add(new FieldError("channel", "is required"));
        } else if ("email".equals(r.channel())) {
            require(errors, "destination", r.destination(), EMAIL,
                    "must be an e-mail address of at most 254 characters");
        } else if ("sms".equals(r.channel())) {
            require(errors, "destination", r.destination(), E164, "must be an E.164 number such as +14155550123");
        } else {
            errors.add(new FieldError("channel", "must be email or sms"));
        }
        optional(errors, "locale", r.locale(), LOCALE, "must be a BCP 47 language tag such as en or pt-BR");
        client(errors, r.client());
        throwIfAny(errors);
    }

    /** @throws ProblemException 400 listing every invalid field */
    static void check(final VerifyOtpRequest r) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "userId", r.userId(), USER_ID, "must be 1 to 128 printable characters without spaces");
        require(errors, "purpose", r.purpose(), PURPOSE, "must be lower snake case, at most 32 characters");
        require(errors, "code", r.code(), CODE, "must be 6 to 9 digits");
        optional(errors, "otpId", r.otpId(), UUID, "must be a lower-case UUID");
        client(errors, r.client());
        throwIfAny(errors);
    }

    /** @throws ProblemException 400 if the path's otpId or the body is invalid */
    static void check(final String otpId, final ConsumeOtpRequest r) {
        final List<FieldError> errors = new ArrayList<>();
        require(errors, "otpId", otpId, UUID, "must be a lower-case UUID");
        require(errors, "userId", r.userId(), USER_ID, "must be 1 to 128 printable characters without spaces");
        client(errors, r.client());
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
        if (client.userAgent() != null && client.userAgent().length() > MAX_USER_AGENT) {
            errors.add(new FieldError("client.userAgent", "must be at most 512 characters"));
        }
    }

    private static void require(final List<FieldError> errors, final String field, final String value,
                                final Pattern rule, final String message) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!rule.matcher(value).matches()) {
            errors.add(new FieldError(field, message));
        }
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
