package io.otppipeline.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.event.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The two JSON forms of docs/ARCHITECTURE.md section 4: internal records write instants as exact decimal epoch
 * seconds, public events as RFC 3339; each side reads what the other (or an earlier version) wrote.
 */
class JsonSerdeTest {

    private static final Instant SENT_AT = Instant.ofEpochSecond(1_733_047_800L, 123_456_789);

    private static OtpVerifyAttempted command() {
        return new OtpVerifyAttempted("c-1", "acme", "alice", "login", null, null, SENT_AT,
                new SealedBox("k1", "bm9uY2U=", "Y2lwaGVy"), null, null);
    }

    @Test
    void shouldWriteInstantAsExactDecimalSecondsWhenRecordIsInternal() {
        final byte[] bytes = Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), command());

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"sentAt\":1733047800.123456789");
        assertThat(Topics.COMMANDS.valueSerde().deserializer().deserialize(Topics.COMMANDS.name(), bytes))
                .isEqualTo(command());
    }

    @Test
    void shouldReadRfc3339InstantWhenInternalRecordWasWrittenByEarlierVersion() throws Exception {
        final byte[] earlier = Json.mapper().writerFor(OtpCommand.class).writeValueAsBytes(command());

        assertThat(new String(earlier, StandardCharsets.UTF_8))
                .contains("\"sentAt\":\"2024-12-01T10:10:00.123456789Z\"");
        assertThat(Topics.COMMANDS.valueSerde().deserializer().deserialize(Topics.COMMANDS.name(), earlier))
                .isEqualTo(command());
    }

    @Test
    void shouldLetEarlierVersionReadDecimalInstantWhenServicesAreUpgradedOneByOne() throws Exception {
        final byte[] bytes = Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), command());

        assertThat(Json.mapper().readerFor(OtpCommand.class).<OtpCommand>readValue(bytes)).isEqualTo(command());
    }

    @Test
    void shouldKeepRfc3339TimeWhenEventIsPublic() {
        final CloudEvent event = CloudEvent.of("e-1", "/otp-processor", "otp.issued", "acme", "alice",
                Instant.ofEpochMilli(1_733_047_800_123L), Map.of("otpId", "o-1"));

        final String json = new String(Topics.EVENTS.valueSerde().serializer().serialize(Topics.EVENTS.name(), event),
                StandardCharsets.UTF_8);

        assertThat(json).contains("\"time\":\"2024-12-01T10:10:00.123Z\"");
    }

    @Test
    void shouldNameTypeButNotEchoPayloadWhenRecordIsUnreadable() {
        final byte[] garbage = "{\"type\":\"otp.verify_attempted\",\"code\":\"secret-123456\""
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Topics.COMMANDS.valueSerde().deserializer()
                .deserialize(Topics.COMMANDS.name(), garbage))
                .isInstanceOf(SerializationException.class).hasMessageContaining("OtpCommand")
                .hasMessageNotContaining("secret-123456");
    }
}
