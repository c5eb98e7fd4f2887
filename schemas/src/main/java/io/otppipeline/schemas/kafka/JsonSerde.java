package io.otppipeline.schemas.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} that writes and reads one Java type as UTF-8 JSON, with {@link Json#mapper()} for public
 * records ({@link #of}) or {@link Json#internalMapper()} for records only this project's services read
 * ({@link #internal}).
 *
 * <p>Deserialization errors surface as {@link SerializationException}. The exception message names
 * the target type only, never the payload, because payloads may hold sealed secrets.
 *
 * @param <T> the record type
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    private JsonSerde(final Class<T> type, final ObjectMapper mapper) {
        this.type = type;
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
    }

    /**
     * A serde for {@code type}, instants as RFC 3339 strings: the public records (events, the delivery ledger), and
     * stores whose values hold no instant.
     */
    public static <T> JsonSerde<T> of(final Class<T> type) {
        return new JsonSerde<>(type, Json.mapper());
    }

    /**
     * A serde for {@code type}, instants as decimal epoch seconds (records only this project's services read:
     * commands, replies, delivery, the send gate, IP verdicts, state stores); reads RFC 3339 instants too.
     */
    public static <T> JsonSerde<T> internal(final Class<T> type) {
        return new JsonSerde<>(type, Json.internalMapper());
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON", e);
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (IOException e) {
            throw new SerializationException("record is not a valid " + type.getSimpleName() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to release
    }
}
