package io.otppipeline.local;

import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where Kafka is, for the command-line tools: bootstrap servers plus, on a secured cluster, the same
 * {@code kafka.client.*} settings the services take ({@link KafkaConnection}), read from a properties file and
 * {@code OTP_KAFKA_CLIENT_*} variables.
 */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the broker of ./otp local).")
    String bootstrapServers;

    @Option(names = "--kafka-settings", description = "Properties file with kafka.client.* settings (TLS, SASL), "
            + "as the services read them; OTP_KAFKA_CLIENT_* variables override it (default: none).")
    Path settingsFile;

    /**
     * The connection described by the options and the environment.
     *
     * @throws IllegalStateException if the settings file cannot be read or holds a refused setting
     */
    KafkaConnection connection() {
        final Settings settings = Settings.load(settingsFile, System.getenv());
        return new KafkaConnection(bootstrapServers, settings.passThrough(KafkaConnection.CLIENT_PREFIX),
                KafkaConnection.REPLICATION_FACTOR.read(settings).shortValue(), true);
    }
}
