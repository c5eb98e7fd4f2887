package io.otppipeline.processor.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.command.DeliveryReported;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Feeds delivery outcomes back to the user's state (docs/API.md, {@code GET /v1/otp/{otpId}}): reads the public
 * event stream ({@code otp.events.v1}, committed events only) and writes one {@link DeliveryReported} command to
 * {@code otp.commands.v1} per {@code otp.delivery.sent}, {@code otp.delivery.failed} and
 * {@code otp.delivery.suppressed} (the notifier's and the send gate's), keyed by the user, so that the user's
 * decisions read it in order like any other command. Its command id is derived from the event id: an event read
 * twice reports the same thing twice, which changes nothing. Everything else on the stream is ignored.
 */
final class DeliveryReportProcessor implements Processor<String, JsonNode, String, Object> {

    private ProcessorContext<String, Object> context;

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, JsonNode> record) {
        final JsonNode event = record.value(); // parsed once by EventParser
        final String outcome = switch (event.path("type").asText()) {
            case EventTypes.DELIVERY_SENT -> "sent";
            case EventTypes.DELIVERY_FAILED -> "failed";
            case EventTypes.DELIVERY_SUPPRESSED -> "suppressed";
            default -> null;
        };
        final String tenantId = event.path("tenantid").textValue();
        final String userId = event.path("subject").textValue();
        final String otpId = event.path("data").path("otpId").textValue();
        final String id = event.path("id").textValue();
        if (outcome == null || tenantId == null || userId == null || otpId == null || id == null) {
            return;
        }
        final DeliveryReported report = new DeliveryReported("delivery:" + id, tenantId, userId, otpId, outcome,
                event.path("data").path("reason").textValue(), time(event.path("time").textValue()));
        context.forward(new Record<>(Topics.userKey(tenantId, userId),
                Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), report),
                record.timestamp()), Nodes.COMMANDS_SINK);
    }

    private static Instant time(final String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
