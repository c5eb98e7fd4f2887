package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.LockoutRules;
import io.otppipeline.processor.domain.LockoutRules.AddressScope;
import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.domain.PurposeRules;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code otp.lockout.scope} (docs/DESIGN-NOTES.md, "Lockout scope"): under {@code user} an attacker's five wrong codes
 * lock the victim out too; under {@code user_ip} they lock out only the attacker's address, and a higher user-wide
 * threshold (4 here, to stay under one code's 5 attempts) still stops guessing spread over many addresses.
 */
class LockoutScopeTopologyTest {

    private static final ClientInfo VICTIM = new ClientInfo("192.0.2.10", "phone");
    private static final ClientInfo ATTACKER = new ClientInfo("198.51.100.66", "script");
    private static final String USER = "victim";

    @Test
    void shouldLockOnlyAttackersAddressWhenScopeIsUserIp() {
        try (TopologyHarness t = harness(new AddressScope(20, 64))) {
            final String code = codeFor(t);
            for (int i = 0; i < 4; i++) {
                t.verifyFrom(TENANT, USER, wrong(code), ATTACKER, null);
            }
            t.events();
            t.verifyFrom(TENANT, USER, wrong(code), ATTACKER, null);

            final List<CloudEvent> started = t.events().stream()
                    .filter(e -> e.type().equals(EventTypes.LOCKOUT_STARTED)).toList();
            assertThat(started).hasSize(1);
            assertThat(started.get(0).data().path("address").asText()).isEqualTo("198.51.100.66");
            assertThat(t.verifyFrom(TENANT, USER, code, ATTACKER, null).status()).isEqualTo(ReplyStatus.LOCKED);
            assertThat(t.requestFrom(TENANT, USER, Channel.EMAIL, "victim@example.com", ATTACKER, null))
                    .isInstanceOf(RequestRefusedReply.class);
            assertThat(t.verifyFrom(TENANT, USER, code, VICTIM, null).status())
                    .as("the attacked code itself is dead (5 wrong guesses per code)").isEqualTo(ReplyStatus.MAX_ATTEMPTS);

            t.advance(Duration.ofSeconds(61)); // the resend cooldown
            final String fresh = codeFor(t);
            assertThat(t.verifyFrom(TENANT, USER, fresh, VICTIM, null).status())
                    .as("the victim signs in from their own address").isEqualTo(ReplyStatus.APPROVED);
        }
    }

    @Test
    void shouldLockWholeUserWhenFailuresFromManyAddressesReachUserWideThreshold() {
        try (TopologyHarness t = harness(new AddressScope(4, 64))) {
            final String code = codeFor(t);
            for (int i = 1; i <= 4; i++) {
                t.verifyFrom(TENANT, USER, wrong(code), new ClientInfo("203.0.113." + i, "bot"), null);
            }

            assertThat(t.verifyFrom(TENANT, USER, code, VICTIM, null).status()).isEqualTo(ReplyStatus.LOCKED);
            assertThat(t.events().stream().filter(e -> e.type().equals(EventTypes.LOCKOUT_STARTED))
                    .map(e -> e.data().has("address"))).containsExactly(false);
        }
    }

    @Test
    void shouldLockVictimOutWhenScopeIsUser() {
        try (TopologyHarness t = harness(null)) {
            final String code = codeFor(t);
            for (int i = 0; i < 5; i++) {
                t.verifyFrom(TENANT, USER, wrong(code), ATTACKER, null);
            }

            assertThat(t.verifyFrom(TENANT, USER, code, VICTIM, null).status())
                    .as("the trade-off user_ip removes").isEqualTo(ReplyStatus.LOCKED);
        }
    }

    @Test
    void shouldForgetAddressLockoutWhenItsTimeAndDecayPassed() {
        try (TopologyHarness t = harness(new AddressScope(20, 64))) {
            final String code = codeFor(t);
            for (int i = 0; i < 5; i++) {
                t.verifyFrom(TENANT, USER, wrong(code), ATTACKER, null);
            }
            t.advance(Duration.ofMinutes(16));
            assertThat(t.events()).extracting(CloudEvent::type).contains(EventTypes.LOCKOUT_ENDED);

            t.advance(Duration.ofHours(25));
            assertThat(t.storeKeys(Nodes.USER_STATE_STORE)).as("nothing left to keep").isEmpty();
        }
    }

    @Test
    void shouldEndEveryAddressLockoutWithAnEventWhenAdminUnlocks() {
        try (TopologyHarness t = harness(new AddressScope(20, 64))) {
            final String code = codeFor(t);
            for (int i = 0; i < 5; i++) {
                t.verifyFrom(TENANT, USER, wrong(code), ATTACKER, null);
            }
            t.events();

            t.send(new UserUnlockRequested(UUID.randomUUID().toString(), TENANT, USER, "admin-1", null, t.now(), null));

            final List<CloudEvent> events = t.events();
            assertThat(events).extracting(CloudEvent::type)
                    .containsExactly(EventTypes.USER_UNLOCKED, EventTypes.LOCKOUT_ENDED);
            assertThat(events.get(0).data().path("wasLocked").asBoolean()).isTrue();
            assertThat(events.get(1).data().path("address").asText()).isEqualTo("198.51.100.66");
            assertThat(events.get(1).data().path("reason").asText()).isEqualTo("unlocked");
        }
    }

    private static String codeFor(final TopologyHarness t) {
        t.requestFrom(TENANT, USER, Channel.EMAIL, "victim@example.com", VICTIM, null);
        return t.openSecret(t.delivery.readValue()).code();
    }

    private static String wrong(final String code) {
        return (code.charAt(0) == '0' ? "1" : "0") + code.substring(1);
    }

    private static TopologyHarness harness(final AddressScope scope) {
        final LockoutRules lockout = new LockoutRules(5, 900, 900, 86_400, 86_400, 3, scope);
        return new TopologyHarness(new OtpRules(PurposeRules.DEFAULTS, Map.of(), lockout, 86_400, 1000));
    }
}
