package io.otppipeline.schemas.command;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The key an end user's address is counted under by the IP guard (docs/ARCHITECTURE.md section 5b): an IPv4
 * address as is, an IPv6 address by its prefix (a /64 by default: one customer's LAN under RFC 6177, where a
 * single host may pick any of 2^64 addresses), IPv4-mapped IPv6 addresses as IPv4. Only literals are parsed, never
 * a host name: IPv4 by this class, IPv6 by {@link InetAddress} only once the text can only be an IPv6 literal (the
 * JDK then parses it or fails, and never asks a resolver).
 */
public final class IpKeys {

    /** Prefix length IPv6 addresses are counted by unless configured otherwise. */
    public static final int DEFAULT_IPV6_PREFIX = 64;

    /** The wider IPv6 prefix counted as well unless configured otherwise: a site's /48 (RFC 6177). */
    public static final int DEFAULT_IPV6_WIDE_PREFIX = 48;

    private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
    /** Characters of an IPv6 literal, starting with a hex digit or ':' (no zone, no brackets). */
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}$");

    private IpKeys() {
    }

    /**
     * Every key {@code ip} is counted under: its key ({@link #key}), and for an IPv6 address also its key at
     * {@code widePrefixLength} when that is shorter (a wider prefix, counted at higher thresholds). Empty if
     * {@code ip} is not an IP literal.
     *
     * @param ipv6PrefixLength bits of an IPv6 address that form its key, 1 to 128
     * @param widePrefixLength bits of the wider IPv6 key; 0, or not less than {@code ipv6PrefixLength}: none
     */
    public static List<String> keys(final String ip, final int ipv6PrefixLength, final int widePrefixLength) {
        final Optional<String> key = key(ip, ipv6PrefixLength);
        if (key.isEmpty()) {
            return List.of();
        }
        if (widePrefixLength > 0 && widePrefixLength < ipv6PrefixLength && key.get().contains("/")) {
            return List.of(key.get(), key(ip, widePrefixLength).orElseThrow());
        }
        return List.of(key.get());
    }

    /** Whether {@code ipKey} is a key at the wider prefix {@code widePrefixLength} ({@link #keys}). */
    public static boolean isWide(final String ipKey, final int widePrefixLength) {
        return widePrefixLength > 0 && ipKey.endsWith("/" + widePrefixLength);
    }

    /**
     * The key of {@code ip}, or empty if it is not an IP literal.
     *
     * @param ipv6PrefixLength bits of an IPv6 address that form the key, 1 to 128
     */
    public static Optional<String> key(final String ip, final int ipv6PrefixLength) {
        if (ip == null || ip.isEmpty()) {
            return Optional.empty();
        }
        if (ip.indexOf(':') < 0) {
            return ipv4(ip).map(IpKeys::dotted);
        }
        if (!IPV6.matcher(ip).matches()) {
            return Optional.empty(); // only hex digits, ':' and '.': InetAddress then parses, never resolves
        }
        final InetAddress address;
        try {
            address = InetAddress.getByName(ip); // starts with a hex digit or ':' and holds ':': a literal or an error
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
        if (address instanceof Inet4Address) {
            return Optional.of(address.getHostAddress()); // IPv4-mapped IPv6
        }
        final byte[] bytes = ((Inet6Address) address).getAddress();
        for (int bit = ipv6PrefixLength; bit < 128; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            // uncompressed (2001:db8:1:2:0:0:0:0/64): one spelling per prefix
            return Optional.of(InetAddress.getByAddress(bytes).getHostAddress() + "/" + ipv6PrefixLength);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The four octets of a dotted-quad IPv4 literal (each 0 to 255, no leading zero), parsed without the JDK. */
    private static Optional<int[]> ipv4(final String ip) {
        if (!IPV4.matcher(ip).matches()) {
            return Optional.empty();
        }
        final String[] parts = ip.split("\\.");
        final int[] octets = new int[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].length() > 1 && parts[i].charAt(0) == '0') {
                return Optional.empty(); // 010 is octal to some parsers: ambiguous, refused
            }
            octets[i] = Integer.parseInt(parts[i]);
            if (octets[i] > 255) {
                return Optional.empty();
            }
        }
        return Optional.of(octets);
    }

    private static String dotted(final int[] octets) {
        return octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3];
    }
}
