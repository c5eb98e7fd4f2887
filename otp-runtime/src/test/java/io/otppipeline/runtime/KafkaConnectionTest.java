package io.otppipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    private static final String JAAS_FROM_FILE = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"otp-api\" password=\"${file:/run/secrets/kafka.properties:password}\";";

    @Test
    void shouldPassClientSettingsToEveryClientWhenPrefixed() {
        final KafkaConnection c = KafkaConnection.from(Settings.of(Map.of("kafka.bootstrap.servers", "k1:9093",
                "kafka.client.security.protocol", "SASL_SSL", "kafka.client.sasl.jaas.config", JAAS_FROM_FILE,
                "kafka.client.ssl.truststore.password", "${file:/run/secrets/kafka.properties:truststore}",
                "kafka.replication.factor", "3", "kafka.topics.create", "false", "api.port", "8080")));
        final Properties p = c.properties();
        assertThat(p).containsEntry("bootstrap.servers", "k1:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", JAAS_FROM_FILE).hasSize(4);
        assertThat(c.replicationFactor()).isEqualTo((short) 3);
        assertThat(c.createTopics()).isFalse();
    }

    @Test
    void shouldRefuseSettingWhenServicesSetItThemselves() {
        for (String key : new String[] {"isolation.level", "enable.idempotence", "processing.guarantee",
                "producer.acks", "bootstrap.servers"}) {
            assertThatThrownBy(() -> KafkaConnection.from(Settings.of(Map.of("kafka.bootstrap.servers", "k:1",
                    "kafka.client." + key, "x"))))
                    .as(key).isInstanceOf(IllegalStateException.class).hasMessageContaining("kafka.client." + key);
        }
    }

    @Test
    void shouldRefuseSecretWhenWrittenInClear() {
        final String clearJaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" "
                + "password=\"hunter2\";";
        assertThatThrownBy(() -> KafkaConnection.from(Settings.of(Map.of("kafka.bootstrap.servers", "k:1",
                "kafka.client.sasl.jaas.config", clearJaas))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in clear")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> KafkaConnection.from(Settings.of(Map.of("kafka.bootstrap.servers", "k:1",
                "kafka.client.ssl.keystore.password", "hunter2"))))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("hunter2");
    }
}
