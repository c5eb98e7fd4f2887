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

    @Test
    void shouldRefuseSecretWhenItHidesInAnotherJaasOptionOrAPemKey() {
        for (String jaas : new String[] {
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"a\" "
                    + "clientSecret=\"hunter2\";",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username='a' password='hunter2';",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password/**/=\"hunter2\";"}) {
            assertThatThrownBy(() -> KafkaConnection.checkPassThrough("kafka.client.", Map.of("sasl.jaas.config", jaas),
                    false)).as(jaas).hasMessageContaining("in clear").hasMessageNotContaining("hunter2");
        }
        assertThatThrownBy(() -> KafkaConnection.checkPassThrough("kafka.client.",
                Map.of("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"), false)).hasMessageContaining("in clear");
        KafkaConnection.checkPassThrough("kafka.client.", Map.of("sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username='a' "
                        + "password='${file:/run/secrets/k.properties:password}';"), false);
    }

    @Test
    void shouldRefuseReservedSettingWhenAnotherPassthroughOrAClientPrefixCarriesIt() {
        assertThatThrownBy(() -> KafkaConnection.checkPassThrough("processor.streams.",
                Map.of("processing.guarantee", "at_least_once"), true)).hasMessageContaining("processing.guarantee");
        assertThatThrownBy(() -> KafkaConnection.checkPassThrough("processor.streams.",
                Map.of("producer.enable.idempotence", "false"), true)).hasMessageContaining("enable.idempotence");
        assertThatThrownBy(() -> KafkaConnection.checkPassThrough("kafka.client.",
                Map.of("restore.consumer.fetch.max.bytes", "1"), false)).hasMessageContaining("same");
        KafkaConnection.checkPassThrough("processor.streams.", Map.of("producer.linger.ms", "5",
                "session.timeout.ms", "6000"), true);
    }
}
