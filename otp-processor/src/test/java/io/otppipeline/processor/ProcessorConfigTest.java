package io.otppipeline.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.runtime.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams properties the processor starts with, and that processor.streams.* overrides them. */
class ProcessorConfigTest {

    private static Properties properties(final Map<String, String> extra) {
        final Map<String, String> s = new HashMap<>(Map.of("kafka.bootstrap.servers", "127.0.0.1:9092",
                "secrets.command.keyring.file", "/k/command", "secrets.delivery.keyring.file", "/k/delivery",
                "secrets.pepper.keyring.file", "/k/pepper", "secrets.factor.keyring.file", "/k/factor"));
        s.putAll(extra);
        return ProcessorConfig.from(Settings.of(s)).streamsProperties();
    }

    @Test
    void shouldRunExactlyOnceWithoutTaskIdlingWhenNothingIsOverridden() {
        final Properties p = properties(Map.of());

        assertThat(p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
        assertThat(p.getProperty(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("100");
    }

    @Test
    void shouldPassStreamsSettingThroughWhenOperatorOverridesIt() {
        final Properties p = properties(Map.of("processor.streams.max.task.idle.ms", "0"));

        assertThat(p.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("0");
    }
}
