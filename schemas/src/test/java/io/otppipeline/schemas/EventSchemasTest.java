package io.otppipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.DeliveryOutcomeData;
import io.otppipeline.schemas.event.EventSchemas;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.OtpIssuedData;
import io.otppipeline.schemas.event.OtpSupersededData;
import io.otppipeline.schemas.event.VerificationCompletedData;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventSchemasTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00.123456Z");
    private static final String OTP = UUID.randomUUID().toString();
    private static final String COMMAND = UUID.randomUUID().toString();

    private static final Map<String, Object> EXAMPLES = Map.of(
            EventTypes.OTP_ISSUED, new OtpIssuedData(OTP, COMMAND, "login", "email", "a***e@example.com",
                    NOW.plusSeconds(600), new ClientInfo("203.0.113.7", "agent")),
            EventTypes.OTP_SUPERSEDED, new OtpSupersededData(OTP, UUID.randomUUID().toString(), "login"),
            EventTypes.VERIFICATION_COMPLETED, new VerificationCompletedData(OTP, COMMAND, "step_up", "denied", 1, 4,
                    null),
            EventTypes.DELIVERY_SENT, new DeliveryOutcomeData(OTP, "login", "sms", "+*********23", "smtp", "<id>", 1,
                    12L, null),
            EventTypes.DELIVERY_FAILED, new DeliveryOutcomeData(OTP, "login", "sms", "+*********23", "none", null, 1,
                    0L, "not_configured"),
            EventTypes.DELIVERY_SUPPRESSED, new DeliveryOutcomeData(OTP, "login", "email", "a***e@example.com", null,
                    null, 0, null, "expired"));

    @Test
    void shouldAcceptEveryEventTypeWhenBuiltFromItsRecord() {
        assertThat(EXAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(EventTypes.all());
        EXAMPLES.forEach((type, data) ->
                assertThat(EventSchemas.validate(json(type, data))).as(type).isEmpty());
    }

    @Test
    void shouldWriteTimeWithMillisecondPrecisionWhenEventIsCreated() {
        final JsonNode event = json(EventTypes.OTP_SUPERSEDED, EXAMPLES.get(EventTypes.OTP_SUPERSEDED));

        assertThat(event.path("time").asText()).isEqualTo("2026-11-20T10:00:00.123Z");
    }

    @Test
    void shouldRejectEventWhenDataCarriesUnknownField() {
        final ObjectNode event = (ObjectNode) json(EventTypes.OTP_ISSUED, EXAMPLES.get(EventTypes.OTP_ISSUED));
        ((ObjectNode) event.get("data")).put("code", "123456");

        assertThat(EventSchemas.validate(event)).isNotEmpty();
    }

    @Test
    void shouldRejectEventWhenDestinationIsNotMasked() {
        final ObjectNode event = (ObjectNode) json(EventTypes.OTP_ISSUED, EXAMPLES.get(EventTypes.OTP_ISSUED));
        ((ObjectNode) event.get("data")).put("destinationMasked", "alice@example.com");

        assertThat(EventSchemas.validate(event)).isNotEmpty();
    }

    @Test
    void shouldRejectEventWhenOutcomeIsUnknown() {
        final ObjectNode event = (ObjectNode) json(EventTypes.VERIFICATION_COMPLETED,
                EXAMPLES.get(EventTypes.VERIFICATION_COMPLETED));
        ((ObjectNode) event.get("data")).put("outcome", "maybe");

        assertThat(EventSchemas.validate(event)).isNotEmpty();
    }

    @Test
    void shouldRefuseWhenTypeHasNoSchema() {
        final ObjectNode event = Json.mapper().createObjectNode().put("type", "otp.unknown");

        assertThatThrownBy(() -> EventSchemas.validate(event)).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode json(final String type, final Object data) {
        return Json.mapper().valueToTree(CloudEvent.of("/otp-processor", type, "acme", "user-1", NOW, data));
    }
}
