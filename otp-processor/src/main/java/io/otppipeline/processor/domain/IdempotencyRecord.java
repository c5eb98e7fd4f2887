package io.otppipeline.processor.domain;

import io.otppipeline.schemas.reply.OtpReply;

/**
 * The first decision taken for an idempotency key, value of the idempotency store ({@code otp-idempotency}).
 *
 * @param requestHash fingerprint of the first request (see {@link io.otppipeline.schemas.command.IdempotencyKey})
 * @param reply the first reply (holds no code)
 * @param expiresAtMs when the key is forgotten, epoch milliseconds
 */
public record IdempotencyRecord(String requestHash, OtpReply reply, long expiresAtMs) {
}
