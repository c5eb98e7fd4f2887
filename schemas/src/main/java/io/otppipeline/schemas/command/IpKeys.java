package io.otppipeline.schemas.command;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The key an end user's address is counted under by the IP guard (docs/ARCHITECTURE.md section 5b): an IPv4
 * address as is, an IPv6 address by its prefix (a /64 by default: one customer's LAN under RFC 6177, where a
 * single host may pick any of 2^64 addresses), IPv4-mapped IPv6 addresses as IPv4. Only literals are parsed, never
 * a host name (no DNS lookup).
 */
public final class IpKeys {

    /** Prefix length IPv6 addresses are counted by unless configured otherwise. */
    public static final int DEFAULT_IPV6_PREFIX = 64;

    private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");

    private IpKeys() {
    }

    /**
     * The key of {@code ip}, or empty if it is not an IP literal.
     *
     * @param ipv6PrefixLength bits of an IPv6 address that form the key, 1 to 128
     */
    public static Optional<String> key(final String ip, final int ipv6PrefixLength) {
        if (ip == null || !(IPV4.matcher(ip).matches() || ip.indexOf(':') >= 0)) {
            return Optional.empty(); // neither dotted quad nor IPv6: refuse before InetAddress could resolve a name
        }
        final InetAddress address;
        try {
            address = InetAddress.getByName(ip);
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
        if (address instanceof Inet4Address) {
            return Optional.of(address.getHostAddress());
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
}
