package io.otppipeline.schemas.command;

/**
 * Present on an {@link OtpRequested} that asks for a magic link instead of a code: the processor issues a 256-bit
 * token (its HMAC stored like a code's) and mails {@code baseUrl + "/l/" + token}.
 *
 * @param baseUrl scheme, host and port of the otp-api that serves the link pages ({@code api.public.base.url}), for
 *     example {@code https://verify.example.com}; no trailing slash
 * @param redirectUrl where the confirm page sends the browser with a one-time exchange code; otp-api checked it
 *     against the tenant's allow-list before publishing the command
 */
public record MagicLink(String baseUrl, String redirectUrl) {
}
