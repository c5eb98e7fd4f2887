package io.otppipeline.api.v1;

import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the {@code Idempotency-Key} request header (IETF draft-ietf-httpapi-idempotency-key-header) and
 * fingerprints the request it came with. The fingerprint is HMAC-SHA-256 under a subkey of the command keyring
 * ({@link Keyring#derive}) over the operation, the tenant and the parsed body written back as JSON (so
 * whitespace and field order do not matter); a verify body holds the code, and an unkeyed hash of 6 digits
 * could be reversed by trying them all.
 */
public final class IdempotencyHeader {

    /** The header name. */
    public static final String HEADER = "Idempotency-Key";

    private static final Pattern VALUE = Pattern.compile("^[\\x20-\\x7E]{1,255}$");

    private final Mac mac;

    /** @param commandKeyring the command keyring; only a derived subkey is used */
    public IdempotencyHeader(final Keyring commandKeyring) {
        this.mac = new Mac(commandKeyring.derive("otp-idempotency-v1"));
    }

    /**
     * The key and fingerprint of this request, or {@code null} without the header.
     *
     * @param operation name of the route, part of the fingerprint
     * @param body the parsed body (or path values) that define the request
     * @throws ProblemException 400 if the header is not 1 to 255 printable ASCII characters
     */
    public IdempotencyKey read(final Context ctx, final String operation, final String tenant, final Object body) {
        final String key = ctx.header(HEADER);
        if (key == null) {
            return null;
        }
        if (!VALUE.matcher(key).matches()) {
            throw new ProblemException(Problem.validation(List.of(new Problem.FieldError(HEADER,
                    "must be 1 to 255 printable ASCII characters"))));
        }
        try {
            return new IdempotencyKey(key, mac.sign(mac.activeKid(), operation, tenant,
                    Json.mapper().writeValueAsString(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write request fingerprint", e);
        }
    }
}
