package io.otppipeline.api.http;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.command.IpKeys;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * The address of the browser behind a request that reaches otp-api directly from end users (the magic-link pages),
 * when reverse proxies or load balancers stand in between: {@link #TRUSTED_PROXIES} names them, and only a request
 * whose peer is one of them has its forwarding headers read. Otherwise anyone could write a header and choose the
 * address the IP guard counts (OWASP: never trust a client-supplied forwarding header from an unknown peer).
 *
 * <p>From a trusted peer, the hops of {@code Forwarded} (RFC 7239 section 4, its {@code for=} parameters), or of
 * {@code X-Forwarded-For} when there is no {@code Forwarded}, are read from the right (the hop the nearest proxy
 * added) to the left, skipping trusted proxies; the first address that is not one is the client. A hop that is not an
 * IP literal ({@code unknown}, an obfuscated identifier such as {@code _hidden}, RFC 7239 section 6) ends the walk:
 * nothing left of it can be attributed, so the address is the last trusted hop's. An address is written without its
 * port or IPv6 brackets. Never resolves a name.
 *
 */
public final class ClientAddresses {

    public static final Setting<String> TRUSTED_PROXIES = Setting.string("api.trusted.proxies", "",
            "comma-separated addresses and CIDR blocks of the reverse proxies in front of otp-api (for example "
                    + "10.0.0.0/8,fd00::/8); only from them are Forwarded (RFC 7239) and X-Forwarded-For read for the "
                    + "magic-link pages' client address. Empty: the peer is the client");

    /** No proxy: the peer is the client. */
    public static final ClientAddresses NONE = new ClientAddresses(List.of());

    private final List<String> trusted;
    private final InetAddressSet set = new InetAddressSet();

    /**
     * @param trusted the proxies' addresses and CIDR blocks (Jetty's {@link InetAddressSet} notation:
     *     {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code fd00::/8}); empty: no proxy, the peer is the client
     * @throws IllegalStateException naming an entry that is not an address or CIDR block
     */
    public ClientAddresses(final List<String> trusted) {
        this.trusted = List.copyOf(trusted);
        for (String entry : this.trusted) {
            final String address = entry.contains("/") ? entry.substring(0, entry.indexOf('/')) : entry;
            if (literal(address).isEmpty()) {
                throw new IllegalStateException("api.trusted.proxies: " + entry + " is not an IP address or CIDR block");
            }
            set.add(entry);
        }
    }

    /**
     * Reads {@link #TRUSTED_PROXIES}.
     *
     * @throws IllegalStateException naming an entry that is not an address or CIDR block
     */
    public static ClientAddresses from(final Settings s) {
        return new ClientAddresses(List.copyOf(Setting.items(TRUSTED_PROXIES.read(s))));
    }

    /**
     * The client's address.
     *
     * @param peer the address of the TCP peer (the servlet's remote address)
     * @param forwarded the {@code Forwarded} header, or {@code null}
     * @param forwardedFor the {@code X-Forwarded-For} header, or {@code null}
     * @return {@code peer} when it is not a trusted proxy or sent no forwarding header, else the address the walk
     *     above finds
     */
    public String client(final String peer, final String forwarded, final String forwardedFor) {
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        final List<String> hops = forwarded != null ? forwardedHops(forwarded)
                : forwardedFor != null ? List.of(forwardedFor.split(",")) : List.of();
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            final Optional<String> hop = literal(hop(hops.get(i)));
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get();
            if (!isTrusted(client)) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(final String address) {
        return literal(address).flatMap(ClientAddresses::inet).map(set::test).orElse(false);
    }

    /** The {@code for=} value of each element of a {@code Forwarded} header, in order; absent ones as {@code ""}. */
    private static List<String> forwardedHops(final String header) {
        final List<String> hops = new ArrayList<>();
        for (String element : header.split(",")) {
            String value = "";
            for (String pair : element.split(";")) {
                final int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
                    value = pair.substring(eq + 1).strip();
                }
            }
            hops.add(value);
        }
        return hops;
    }

    /** A hop without quotes, IPv6 brackets and port: {@code "[2001:db8::17]:4711"} → {@code 2001:db8::17}. */
    private static String hop(final String raw) {
        String h = raw.strip();
        if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.startsWith("[")) {
            final int close = h.indexOf(']');
            return close < 0 ? "" : h.substring(1, close);
        }
        final int colon = h.indexOf(':');
        return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h; // IPv4 with a port
    }

    /** {@code text} if it is an IPv4 or IPv6 literal ({@link IpKeys}' check, which never resolves), else empty. */
    private static Optional<String> literal(final String text) {
        return text != null && IpKeys.key(text, 128).isPresent() ? Optional.of(text) : Optional.empty();
    }

    private static Optional<InetAddress> inet(final String literal) {
        try {
            return Optional.of(InetAddress.getByName(literal)); // a checked literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
