package io.otppipeline.runtime.config;

import io.otppipeline.schemas.command.IpKeys;
import java.nio.file.Path;

/**
 * Settings more than one service reads, defined once here (each service's {@link SettingCatalog} lists them). The
 * Kafka connection's are in {@link io.otppipeline.runtime.kafka.KafkaConnection}.
 */
public final class SharedSettings {

    /** otp-api seals destinations, codes' entropy and secrets into commands; the processor opens them. */
    public static final Setting<Path> COMMAND_KEYRING_FILE = Setting.path("secrets.command.keyring.file",
            "the command keyring (docs/RUNBOOKS.md, \"Rotating a keyring\")").required();

    /** The processor seals destinations for delivery; the notifier opens them. */
    public static final Setting<Path> DELIVERY_KEYRING_FILE = Setting.path("secrets.delivery.keyring.file",
            "the delivery keyring").required();

    /** Read by otp-api (the verdicts it stamps) and the processor (what it counts): one definition for both. */
    public static final Setting<Long> IPV6_PREFIX_LENGTH = Setting.integer("otp.guard.ipv6.prefix.length",
            IpKeys.DEFAULT_IPV6_PREFIX, "bits", "leading bits of an IPv6 address counted as one address by the IP guard "
                    + "and the user_ip lockout scope (a /64 is one subscriber's network, RFC 6177)")
            .check(v -> v >= 1 && v <= 128, "between 1 and 128");
    public static final Setting<Long> IPV6_WIDE_PREFIX_LENGTH = Setting.integer("otp.guard.ipv6.wide.prefix.length",
            IpKeys.DEFAULT_IPV6_WIDE_PREFIX, "bits", "a wider IPv6 prefix the IP guard counts as well, at "
                    + "otp.guard.ip.ipv6.wide.factor times its thresholds (a /48 is one site's allocation, RFC 6177: "
                    + "one party rotating through its /64s stays under the per-/64 limits); 0, or not shorter than "
                    + "otp.guard.ipv6.prefix.length, turns it off")
            .check(v -> v >= 0 && v <= 128, "between 0 and 128");

    private SharedSettings() {
    }
}
