package io.otppipeline.schemas.config;

import java.nio.file.Path;

/**
 * Settings more than one service reads, defined once here (each service's {@link SettingCatalog} lists them). The
 * Kafka connection's are in {@link io.otppipeline.schemas.kafka.KafkaConnection}, the IP guard's IPv6 prefix in
 * {@link io.otppipeline.schemas.command.IpKeys}.
 */
public final class SharedSettings {

    /** otp-api seals destinations, codes' entropy and secrets into commands; the processor opens them. */
    public static final Setting<Path> COMMAND_KEYRING_FILE = Setting.path("secrets.command.keyring.file",
            "the command keyring (docs/RUNBOOKS.md, \"Rotating a keyring\")").required();

    /** The processor seals destinations for delivery; the notifier opens them. */
    public static final Setting<Path> DELIVERY_KEYRING_FILE = Setting.path("secrets.delivery.keyring.file",
            "the delivery keyring").required();

    private SharedSettings() {
    }
}
