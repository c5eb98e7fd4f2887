package io.otppipeline.api.links;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each tenant's magic links may send the browser after the confirm step: {@code api.magic.link.redirects.
 * <tenantId>}, a comma-separated list of URL prefixes (for example {@code https://app.example.com/auth/}). A
 * redirect URL is allowed when it is an absolute {@code http} or {@code https} URL without user info or fragment,
 * with exactly a prefix's scheme, host and port, and a path that starts with the prefix's path after
 * normalisation, with no {@code ..} segment, encoded dot, encoded slash or backslash anywhere (OWASP Unvalidated
 * Redirects and Forwards Cheat Sheet: allow-list, no open redirect). Checked when a link is requested and again
 * when the browser is redirected.
 *
 * @param prefixes each tenant's allowed prefixes (parsed)
 */
public record RedirectAllowList(Map<String, List<URI>> prefixes) {

    /** No tenant may use magic links. */
    public static final Setting<String> REDIRECTS = Setting.string("api.magic.link.redirects.<tenant>", null,
            "comma-separated URL prefixes a tenant's magic links may redirect to: exact scheme, host and port, path "
                    + "prefix; none by default, so no tenant can request a link until it has some");

    public static final RedirectAllowList NONE = new RedirectAllowList(Map.of());

    private static final String PREFIX = "api.magic.link.redirects.";

    /** Defensive copy. */
    public RedirectAllowList {
        prefixes = Map.copyOf(prefixes);
    }

    /**
     * Reads {@code api.magic.link.redirects.<tenantId>}.
     *
     * @throws IllegalStateException naming a prefix that is not an absolute http(s) URL with a path
     */
    public static RedirectAllowList from(final Settings s) {
        final Map<String, List<URI>> all = new TreeMap<>();
        for (String key : s.keysStartingWith(PREFIX)) {
            final List<URI> uris = new ArrayList<>();
            final String tenant = key.substring(PREFIX.length());
            for (String item : REDIRECTS.read(s, tenant, "").split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                final URI uri = parse(item.strip()).orElseThrow(() -> new IllegalStateException(key
                        + ": each prefix must be an absolute http or https URL such as https://app.example.com/auth/"));
                uris.add(uri);
            }
            all.put(tenant, List.copyOf(uris));
        }
        return new RedirectAllowList(all);
    }

    /** Whether {@code tenantId} may redirect to {@code url}. */
    boolean allows(final String tenantId, final String url) {
        final Optional<URI> target = parse(url);
        if (target.isEmpty()) {
            return false;
        }
        for (URI prefix : prefixes.getOrDefault(tenantId, List.of())) {
            final URI t = target.get();
            if (t.getScheme().equals(prefix.getScheme()) && t.getHost().equals(prefix.getHost())
                    && port(t) == port(prefix) && underPath(t.getRawPath(), prefix.getRawPath())) {
                return true;
            }
        }
        return false;
    }

    /** A redirect or prefix URL in normal form, or empty if it is not one this list can allow. */
    private static Optional<URI> parse(final String text) {
        if (text == null || text.length() > 2048 || text.indexOf('\\') >= 0
                || text.chars().anyMatch(c -> c < 0x21 || c == 0x7F)) {
            return Optional.empty();
        }
        final String lower = text.toLowerCase(Locale.ROOT);
        // encoded dots, slashes and backslashes, and an encoded percent (%252e is %2e once a proxy decoded it)
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")) {
            return Optional.empty();
        }
        try {
            final URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawUserInfo() != null || uri.getRawFragment() != null
                    || uri.getHost() == null || uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
                return Optional.empty();
            }
            final String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                return Optional.empty();
            }
            // no dot segment, and no path parameter: servlet containers drop ";..." from a segment, so "..;" or
            // ".;x" would climb out of the prefix on the tenant's server
            if (uri.getRawPath().indexOf(';') >= 0) {
                return Optional.empty();
            }
            for (String segment : uri.getRawPath().split("/")) {
                if (segment.equals("..") || segment.equals(".")) {
                    return Optional.empty();
                }
            }
            return Optional.of(new URI(scheme, null, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort(),
                    uri.getPath(), uri.getQuery(), null));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The prefix's path itself, or below it: {@code /auth} allows {@code /auth} and {@code /auth/x}, not {@code /authx}. */
    private static boolean underPath(final String path, final String prefix) {
        return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
    }

    private static int port(final URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }
}
