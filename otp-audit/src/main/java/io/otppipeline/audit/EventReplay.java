package io.otppipeline.audit;

import io.otppipeline.runtime.kafka.KafkaConnection;
import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * {@code ./otp audit replay}: the public events of {@code otp.events.v1} from a point in time, as NDJSON (one
 * CloudEvent JSON object per line, as published), straight from Kafka: the topic keeps every event
 * ({@code retention.ms=-1}). Start offsets are found by record timestamp ({@code offsetsForTimes}); records come
 * in per-partition order, partitions interleaved.
 */
public final class EventReplay {

    /** How often a progress line goes to stderr. */
    public static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    /**
     * Which events to write. Times are Kafka record timestamps (when the event was produced), in milliseconds.
     *
     * @param from inclusive start; required
     * @param to exclusive end, or {@code null} for everything up to the end offsets at start
     * @param tenant only this tenant, or {@code null}
     * @param user only this user id (CloudEvents {@code subject}), or {@code null}
     * @param type only this event type (for example {@code otp.verification.completed}), or {@code null}
     */
    public record Filter(Instant from, Instant to, String tenant, String user, String type) {

        boolean matches(final long timestampMs, final JsonNode event) {
            return timestampMs >= from.toEpochMilli() && (to == null || timestampMs < to.toEpochMilli())
                    && (tenant == null || tenant.equals(event.path("tenantid").asText()))
                    && (user == null || user.equals(event.path("subject").asText()))
                    && (type == null || type.equals(event.path("type").asText()));
        }
    }

    /**
     * Counts of a finished replay.
     *
     * @param read records read in the range
     * @param written events written to the output
     * @param unreadable records that were not JSON (skipped; otp-audit keeps them in {@code audit_rejected})
     */
    public record Summary(long read, long written, long unreadable) {
    }

    private EventReplay() {
    }

    /**
     * Replays and returns once the range is written.
     *
     * @param out where the NDJSON lines go
     * @param progress where progress lines go (every {@link #PROGRESS_EVERY}) and the closing summary
     * @throws org.apache.kafka.common.KafkaException if the broker cannot be reached
     */
    public static Summary run(final KafkaConnection kafka, final Filter filter, final PrintWriter out,
                              final PrintWriter progress) throws Exception {
        final long[] counts = new long[2];
        final long read;
        try (TopicRange range = new TopicRange(kafka, filter.from(), filter.to())) {
            read = range.read(records -> write(records, filter, out, counts), progress, PROGRESS_EVERY, "replay");
        }
        out.flush();
        final Summary summary = new Summary(read, counts[0], counts[1]);
        progress.printf(Locale.ROOT, "replay: %d events written of %d records read%s%n", summary.written(),
                summary.read(), summary.unreadable() == 0 ? "" : ", " + summary.unreadable() + " not JSON (skipped)");
        progress.flush();
        return summary;
    }

    private static void write(final ConsumerRecords<String, byte[]> records, final Filter filter,
                              final PrintWriter out, final long[] counts) {
        for (ConsumerRecord<String, byte[]> record : records) {
            final JsonNode event;
            try {
                event = record.value() == null ? null : Json.mapper().readTree(record.value());
            } catch (IOException e) {
                counts[1]++;
                continue;
            }
            if (event == null || !event.isObject()) {
                counts[1]++;
            } else if (filter.matches(record.timestamp(), event)) {
                out.println(event);
                counts[0]++;
            }
        }
    }
}
