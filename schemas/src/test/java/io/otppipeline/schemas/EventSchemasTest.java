package io.otppipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.ConsumeCompletedData;
import io.otppipeline.schemas.event.FactorActivatedData;
import io.otppipeline.schemas.event.FactorDeletedData;
import io.otppipeline.schemas.event.FactorEnrolledData;
import io.otppipeline.schemas.event.FactorVerificationData;
import io.otppipeline.schemas.event.LockoutEndedData;
import io.otppipeline.schemas.event.LockoutStartedData;
import io.otppipeline.schemas.event.LockoutNoticeData;
import io.otppipeline.schemas.event.MagicLinkData;
import io.otppipeline.schemas.event.OtpCanceledData;
import io.otppipeline.schemas.event.OtpExpiredData;
import io.otppipeline.schemas.event.RequestRefusedData;
import io.otppipeline.schemas.event.UserUnlockedData;
import io.otppipeline.schemas.event.DeliveryOutcomeData;
import io.otppipeline.schemas.event.EventSchemas;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.OtpIssuedData;
import io.otppipeline.schemas.event.OtpSupersededData;
import io.otppipeline.schemas.event.PrefixBlockedData;
import io.otppipeline.schemas.event.VerificationCompletedData;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventSchemasTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00.123456Z");
    private static final String OTP = UUID.randomUUID().toString();
    private static final String COMMAND = UUID.randomUUID().toString();
    private static final String HASH = "p1:" + "A".repeat(43) + "=";

    private static final Map<String, Object> EXAMPLES = Map.ofEntries(
            Map.entry(EventTypes.REQUEST_REFUSED, new RequestRefusedData(COMMAND, "login", "sms", "cooldown", 42L, 1,
                    null)),
            Map.entry(EventTypes.CONSUME_COMPLETED, new ConsumeCompletedData(OTP, COMMAND, "password_reset",
                    "conflict", "not_approved", null)),
            Map.entry(EventTypes.OTP_EXPIRED, new OtpExpiredData(OTP, "login", "email", 2, false, NOW)),
            Map.entry(EventTypes.LOCKOUT_STARTED, new LockoutStartedData(COMMAND, 2, 1800L, NOW.plusSeconds(1800), 5,
                    new ClientInfo("2001:db8::1", "agent"), "2001:db8:0:0:0:0:0:0/64")),
            Map.entry(EventTypes.LOCKOUT_ENDED, new LockoutEndedData(2, "unlocked", null)),
            Map.entry(EventTypes.USER_UNLOCKED, new UserUnlockedData(COMMAND, "admin-1", true, 2, null)),
            Map.entry(
EventTypes.OTP_ISSUED, new OtpIssuedData(OTP, COMMAND, "login", "email", "a***e@example.com",
                    HASH, NOW.plusSeconds(600), new ClientInfo("203.0.113.7", "agent"))),
            Map.entry(EventTypes.OTP_SUPERSEDED, new OtpSupersededData(OTP, UUID.randomUUID().toString(), "login")),
            Map.entry(EventTypes.VERIFICATION_COMPLETED, new VerificationCompletedData(OTP, COMMAND, "step_up",
                    "denied", 1, 4, 1, null, null)),
            Map.entry(EventTypes.DELIVERY_SENT, new DeliveryOutcomeData(OTP, "login", "sms", "+*********23", HASH, "smtp",
                    "<id>", 1, 12L, null)),
            Map.entry(EventTypes.DELIVERY_FAILED, new DeliveryOutcomeData(OTP, "login", "sms", "+*********23", null, "none",
                    null, 1, 0L, "not_configured")),
            Map.entry(EventTypes.DELIVERY_SUPPRESSED, new DeliveryOutcomeData(OTP, "login", "email",
                    "a***e@example.com", HASH, null, null, 0, null, "expired")),
            Map.entry(EventTypes.PREFIX_BLOCKED, new PrefixBlockedData("+44", "low_conversion", 50, 3, 20,
                    NOW.plusSeconds(3600))),
            Map.entry(EventTypes.FACTOR_ENROLLED, new FactorEnrolledData(OTP, COMMAND, "totp", "SHA1", 6, null)),
            Map.entry(EventTypes.FACTOR_ACTIVATED, new FactorActivatedData(OTP, COMMAND,
                    new ClientInfo("203.0.113.7", "agent"))),
            Map.entry(EventTypes.FACTOR_VERIFICATION_COMPLETED, new FactorVerificationData(OTP, COMMAND, "verify",
                    "denied", 2, null, null)),
            Map.entry(EventTypes.FACTOR_DELETED, new FactorDeletedData(OTP, null, "enrolment_expired")),
            Map.entry(EventTypes.OTP_CANCELED, new OtpCanceledData(OTP, COMMAND, "login", null)),
            Map.entry(EventTypes.MAGIC_LINK_OPENED, new MagicLinkData(OTP, COMMAND, "login", "live", 2,
                    new ClientInfo("203.0.113.7", "Mozilla/5.0"))),
            Map.entry(EventTypes.MAGIC_LINK_CONFIRMED, new MagicLinkData(OTP, COMMAND, "login", "confirmed", null,
                    null)),
            Map.entry(EventTypes.MAGIC_LINK_EXCHANGED, new MagicLinkData(OTP, COMMAND, null, "conflict", null, null)),
            Map.entry(EventTypes.LOCKOUT_NOTICE, new LockoutNoticeData(OTP, COMMAND, "email", "a***e@example.com",
                    NOW.plusSeconds(900))));

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
