package io.otppipeline.schemas.command;

/**
 * The caller's {@code Idempotency-Key} header and a keyed fingerprint of the request it came with
 * (draft-ietf-httpapi-idempotency-key-header). The processor answers a repeated key with the first decision
 * when the fingerprint matches and refuses it when it does not.
 *
 * @param key the header value: 1 to 255 printable ASCII characters, scoped to the tenant and user
 * @param requestHash base64 HMAC-SHA-256 of the operation and the request body under the command keyring
 *     (keyed, so that a body holding a 6-digit code cannot be recovered from it by brute force)
 */
public record IdempotencyKey(String key, String requestHash) {
}
