package io.otppipeline.api.links;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The two HTML pages a magic link shows, rendered server-side with JMustache (HTML escaped) from
 * {@code otp-api/src/main/resources/pages/}: the confirm page (a button that {@code POST}s the token) and the neutral
 * page (the same for an expired, used, superseded, unknown or malformed token, so a page tells nothing about which).
 * No script, no third-party resource; the one inline style is allowed by its SHA-256 in the Content Security Policy.
 * Every page is {@code no-store}, {@code no-referrer} (the token is in the URL) and not indexable.
 */
final class MagicLinkPages {

    private final Template confirm = load("confirm.html.mustache");
    private final Template neutral = load("neutral.html.mustache");
    private final String style = text("page.css").strip();
    private final String styleHash = "'sha256-" + Base64.getEncoder().encodeToString(sha256(style)) + "'";

    /**
     * Writes the confirm page for {@code token}.
     *
     * @param csrf the form token bound to the browser's cookie
     * @param redirectUrl where the form's answer redirects (its origin is allowed as a form target)
     */
    void confirm(final Context ctx, final String token, final String csrf, final String redirectUrl) {
        write(ctx, 200, confirm.execute(Map.of("token", token, "csrf", csrf, "style", style)),
                origin(redirectUrl));
    }

    /** Writes the neutral page with {@code status}. */
    void neutral(final Context ctx, final int status) {
        write(ctx, status, neutral.execute(Map.of("style", style)), null);
    }

    /** The headers every link page and its {@code HEAD} carry. */
    void headers(final Context ctx, final String formTarget) {
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src " + styleHash
                + "; form-action 'self'" + (formTarget == null ? "" : " " + formTarget)
                + "; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Robots-Tag", "noindex, nofollow");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
    }

    private void write(final Context ctx, final int status, final String html, final String formTarget) {
        headers(ctx, formTarget);
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    /** The scheme, host and port of {@code url} (Chrome applies {@code form-action} to the form's redirect too). */
    private static String origin(final String url) {
        final URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static Template load(final String name) {
        try (Reader reader = new InputStreamReader(resource(name), StandardCharsets.UTF_8)) {
            return Mustache.compiler().escapeHTML(true).compile(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read page template " + name, e);
        }
    }

    private static String text(final String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    private static InputStream resource(final String name) {
        final InputStream in = MagicLinkPages.class.getResourceAsStream("/pages/" + name);
        if (in == null) {
            throw new IllegalStateException("missing page resource " + name);
        }
        return in;
    }

    private static byte[] sha256(final String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
