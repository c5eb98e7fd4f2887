package io.otppipeline.processor.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otppipeline.schemas.kafka.Topics;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts what happened from the committed records, so that a decision taken again after an aborted transaction is
 * not counted twice and every service's events are counted in one place (docs/OPERATIONS.md has the metrics):
 *
 * <ul>
 *   <li>{@code otp_events_total{type, outcome, channel, tenant}}: every public event on {@code otp.events.v1}
 *       (the processor's decisions, the send gate's suppressions, the notifier's delivery outcomes). {@code outcome}
 *       is the event's {@code outcome}, else its {@code reason}, else {@code none}: lockouts started are
 *       {@code type="otp.lockout.started"}, refusals {@code type="otp.request.refused", outcome="rate_limited"}
 *       (or {@code cooldown}, {@code locked}, {@code ip_limit}), guard suppressions {@code
 *       type="otp.delivery.suppressed"} by reason, conversion is approved verifications over issued codes per
 *       channel.</li>
 *   <li>{@code otp_verification_age_seconds{channel}} (histogram): from issue to approved verification.</li>
 *   <li>{@code otp_dead_letters_total{topic}}: records on the dead-letter topics {@code otp.commands.dlq.v1} and
 *       {@code otp.delivery.dlq.v1}, from any service.</li>
 * </ul>
 * Each instance counts the partitions it owns; Prometheus sums them. Nothing is forwarded.
 */
final class MetricsProcessor implements Processor<String, JsonNode, String, Object> {

    private final MeterRegistry meters;

    /** @param meters where to count */
    MetricsProcessor(final MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        // nothing to keep: the counters live in the registry
    }

    @Override
    public void process(final Record<String, JsonNode> record) {
        final JsonNode event = record.value(); // parsed once by EventParser
        final JsonNode data = event.path("data");
        final String outcome = data.path("outcome").isTextual() ? data.path("outcome").asText()
                : data.path("reason").isTextual() ? data.path("reason").asText() : "none";
        Counter.builder("otp.events")
                .description("public events on otp.events.v1 by type, outcome (or reason), channel and tenant")
                .tags("type", event.path("type").asText("unknown"), "outcome", outcome,
                        "channel", data.path("channel").asText("none"), "tenant", event.path("tenantid").asText("none"))
                .register(meters).increment();
        if (data.path("ageMs").canConvertToLong() && "approved".equals(outcome)) {
            Timer.builder("otp.verification.age")
                    .description("from a code's issue to its approved verification (how long users take), by channel")
                    .tags("channel", data.path("channel").asText("none")).publishPercentileHistogram()
                    .register(meters).record(data.path("ageMs").asLong(), TimeUnit.MILLISECONDS);
        }
    }

    /** The node counting dead letters: one per record, by topic. */
    static final class DeadLetters implements Processor<String, byte[], String, Object> {

        private final MeterRegistry meters;
        private ProcessorContext<String, Object> context;

        DeadLetters(final MeterRegistry meters) {
            this.meters = meters;
        }

        @Override
        public void init(final ProcessorContext<String, Object> context) {
            this.context = context;
        }

        @Override
        public void process(final Record<String, byte[]> record) {
            Counter.builder("otp.dead.letters").description("records on the dead-letter topics, by topic")
                    .tags("topic", context.recordMetadata().map(m -> m.topic()).orElse(Topics.COMMANDS_DLQ.name()))
                    .register(meters).increment();
        }
    }
}
