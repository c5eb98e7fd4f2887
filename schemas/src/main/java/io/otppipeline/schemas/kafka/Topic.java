package io.otppipeline.schemas.kafka;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic of the pipeline: its name, how its keys and values are (de)serialized, and how it is
 * created.
 *
 * @param name topic name, versioned with a {@code .vN} suffix
 * @param keySerde serde of record keys
 * @param valueSerde serde of record values
 * @param partitions partition count used when the topic is created
 * @param configs topic-level configs used when the topic is created (for example {@code retention.ms})
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
                          Map<String, String> configs) {
}
