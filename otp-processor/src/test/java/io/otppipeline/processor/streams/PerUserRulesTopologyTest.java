package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.KEY;
import static io.otppipeline.processor.streams.TopologyHarness.START;
import static io.otppipeline.processor.streams.TopologyHarness.wrong;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.processor.domain.LockoutRules;
import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.domain.PurposeRules;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import io.otppipeline.schemas.reply.VerifyReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each per-user rule of docs/ARCHITECTURE.md section 5 on the topology, with the wall clock moved by the driver. */
class PerUserRulesTopologyTest {

    /**
     * The defaults with the user lockout at the per-code cap (5 instead of 10), so that one code's five wrong guesses
     * lock the user: most tests here are about the lockout itself. The default threshold and seed 001's path (a code
     * killed by wrong guesses asks for a new one before the user is locked) are
     * {@link #shouldAskForNewCodeBeforeLockingWhenWrongGuessesKillTheCode}.
     */
    static final OtpRules LOCK_AT_FIVE = new OtpRules(OtpRules.DEFAULTS.defaults(), OtpRules.DEFAULTS.purposes(),
            new LockoutRules(5, 900, 900, 86_400, 86_400, 3, null), OtpRules.DEFAULTS.idempotencyTtlSeconds(),
            OtpRules.DEFAULTS.sweepIntervalMs(), OtpRules.DEFAULTS.factors(), OtpRules.DEFAULTS.lockoutNoticeTenants(),
            OtpRules.DEFAULTS.links());

    private TopologyHarness t = new TopologyHarness(LOCK_AT_FIVE);

    @Test
    void shouldRefuseWithoutComparingOrCountingWhenCodeLengthIsNotThePurposes() {
        final String code = t.requestAndReadCode("login");
        t.events();

        final VerifyReply seven = t.verify("login", code + "1");
        final List<CloudEvent> events = t.events();
        final int failures = t.userState().lockout().failuresMs().size();
        final int attempts = t.userState().pending().get("login").failedAttempts();
        final VerifyReply right = t.verify("login", code);

        // seed 001: "strict 6-digit numeric validation"; a wrong length is bad input, not a guess
        assertThat(seven.status()).isEqualTo(ReplyStatus.MALFORMED);
        assertThat(events).extracting(e -> e.data().path("outcome").asText()).containsExactly("malformed");
        assertThat(failures).isZero();
        assertThat(attempts).isZero();
        assertThat(right.status()).isEqualTo(ReplyStatus.APPROVED);
    }

    @Test
    void shouldAskForNewCodeBeforeLockingWhenWrongGuessesKillTheCode() {
        try (TopologyHarness seed = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String first = seed.requestAndReadCode("login");
            final List<ReplyStatus> guesses = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                guesses.add(seed.verify("login", wrong(first)).status());
            }
            final ReplyStatus rightButDead = seed.verify("login", first).status();
            seed.advance(Duration.ofSeconds(61)); // the resend cooldown
            final String second = seed.requestAndReadCode("login");

            // seed 001: "max 5 attempts per OTP, then request a new one"; the user is not locked by them
            assertThat(guesses).containsExactly(ReplyStatus.DENIED, ReplyStatus.DENIED, ReplyStatus.DENIED,
                    ReplyStatus.DENIED, ReplyStatus.MAX_ATTEMPTS);
            assertThat(rightButDead).isEqualTo(ReplyStatus.MAX_ATTEMPTS);
            assertThat(seed.verify("login", second).status()).isEqualTo(ReplyStatus.APPROVED);
            assertThat(LockoutRules.DEFAULTS.maxFailures()).as("above the per-code cap")
                    .isGreaterThan(PurposeRules.DEFAULTS.maxFailedAttempts());
        }
    }

    @AfterEach
    void close() {
        t.close();
    }

    private List<CloudEvent> eventsOfType(final String type) {
        return t.events().stream().filter(e -> e.type().equals(type)).toList();
    }

    /** Five wrong guesses on one code: the fifth kills the code and starts a lockout. */
    private String lockUser() {
        final String code = t.requestAndReadCode("login");
        for (int i = 0; i < 5; i++) {
            t.verify("login", wrong(code));
        }
        return code;
    }

    @Nested
    class SendLimits {

        @Test
        void shouldRefuseWithRetryAfterWhenResendCooldownHasNotPassed() {
            assertThat(t.issue("login").resendAvailableAt()).isEqualTo(START.plusSeconds(60));
            t.advance(Duration.ofSeconds(30));

            final RequestRefusedReply reply = TopologyHarness.as(RequestRefusedReply.class, t.request("login"));

            assertThat(reply.status()).isEqualTo(ReplyStatus.RATE_LIMITED);
            assertThat(reply.retryAfterSeconds()).isEqualTo(30);
            final CloudEvent refused = eventsOfType(EventTypes.REQUEST_REFUSED).get(0);
            assertThat(refused.data().path("reason").asText()).isEqualTo("cooldown");
            assertThat(t.delivery.readValuesToList()).hasSize(1);
        }

        @Test
        void shouldIssueAgainWhenCooldownHasPassed() {
            t.request("login");
            t.advance(Duration.ofSeconds(60));

            assertThat(t.request("login").status()).isEqualTo(ReplyStatus.PENDING);
        }

        @Test
        void shouldRefuseFourthCodeWhenThreeWereSentInFifteenMinutes() {
            for (int i = 0; i < 3; i++) {
                assertThat(t.request("login").status()).isEqualTo(ReplyStatus.PENDING);
                t.advance(Duration.ofSeconds(60));
            }

            final RequestRefusedReply fourth = TopologyHarness.as(RequestRefusedReply.class, t.request("login"));

            assertThat(fourth.status()).isEqualTo(ReplyStatus.RATE_LIMITED);
            assertThat(fourth.retryAfterSeconds()).isEqualTo(900 - 180);
            final CloudEvent refused = eventsOfType(EventTypes.REQUEST_REFUSED).get(0);
            assertThat(refused.data().path("reason").asText()).isEqualTo("rate_limited");
            assertThat(refused.data().path("sendsInWindow").asInt()).isEqualTo(3);
            t.advance(Duration.ofSeconds(900 - 180));
            assertThat(t.request("login").status()).isEqualTo(ReplyStatus.PENDING);
        }

        @Test
        void shouldCountEveryPurposeWhenWindowIsShared() {
            t.request("login");
            t.request("step_up");
            t.request("password_reset");

            assertThat(t.request("signup").status()).isEqualTo(ReplyStatus.RATE_LIMITED);
        }

        @Test
        void shouldApplyPurposeOverrideWhenConfigured() {
            t.close();
            t = new TopologyHarness(OtpRules.DEFAULTS.withPurpose("burst", PurposeRules.DEFAULTS.withSending(3, 900, 0)));

            final List<ReplyStatus> statuses = java.util.stream.IntStream.range(0, 5)
                    .mapToObj(i -> t.request("burst").status()).toList();

            assertThat(statuses).containsExactly(ReplyStatus.PENDING, ReplyStatus.PENDING, ReplyStatus.PENDING,
                    ReplyStatus.RATE_LIMITED, ReplyStatus.RATE_LIMITED);
        }
    }

    @Nested
    class Lockout {

        @Test
        void shouldLockUserWhenFiveVerificationsFailWithinFifteenMinutes() {
            final String code = lockUser();

            final List<CloudEvent> started = eventsOfType(EventTypes.LOCKOUT_STARTED);
            assertThat(started).hasSize(1);
            assertThat(started.get(0).data().path("level").asInt()).isEqualTo(1);
            assertThat(started.get(0).data().path("lockSeconds").asLong()).isEqualTo(900);
            t.advance(Duration.ofSeconds(100));
            final VerifyReply verify = t.verify("login", code);
            assertThat(verify.status()).isEqualTo(ReplyStatus.LOCKED);
            assertThat(verify.retryAfterSeconds()).isEqualTo(800);
            final RequestRefusedReply request = TopologyHarness.as(RequestRefusedReply.class, t.request("step_up"));
            assertThat(request.status()).isEqualTo(ReplyStatus.LOCKED);
            assertThat(request.retryAfterSeconds()).isEqualTo(800);
        }

        @Test
        void shouldCountFailuresAcrossCodesWhenNewCodeIsIssued() {
            final String first = t.requestAndReadCode("login");
            for (int i = 0; i < 3; i++) {
                t.verify("login", wrong(first));
            }
            t.advance(Duration.ofSeconds(60));
            final String second = t.requestAndReadCode("login");
            t.verify("login", wrong(second));

            final VerifyReply fifth = t.verify("login", wrong(second));

            assertThat(fifth.status()).isEqualTo(ReplyStatus.DENIED);
            assertThat(fifth.retryAfterSeconds()).isEqualTo(900);
            assertThat(t.verify("login", second).status()).isEqualTo(ReplyStatus.LOCKED);
        }

        @Test
        void shouldStayLockedWhenNewCodeIsRequestedAndVerified() {
            lockUser();
            t.advance(Duration.ofSeconds(120));

            final OtpReply request = t.request("login");
            final VerifyReply verify = t.verify("login", "123456");

            assertThat(request.status()).isEqualTo(ReplyStatus.LOCKED);
            assertThat(verify.status()).isEqualTo(ReplyStatus.LOCKED);
            assertThat(t.delivery.isEmpty()).isTrue();
        }

        @Test
        void shouldDoubleLockoutEachTimeUpToOneDayWhenUserIsLockedAgain() {
            final List<Long> durations = new java.util.ArrayList<>();
            for (int level = 1; level <= 8; level++) {
                lockUser();
                final CloudEvent started = eventsOfType(EventTypes.LOCKOUT_STARTED).get(0);
                durations.add(started.data().path("lockSeconds").asLong());
                t.advance(Duration.ofSeconds(durations.get(durations.size() - 1)));
            }

            assertThat(durations).containsExactly(900L, 1800L, 3600L, 7200L, 14_400L, 28_800L, 57_600L, 86_400L);
        }

        @Test
        void shouldStartFromBaseAgainWhenLevelDecayedAfterADayWithoutFailures() {
            lockUser();
            t.advance(Duration.ofSeconds(900).plusHours(24));
            t.events();

            lockUser();

            assertThat(eventsOfType(EventTypes.LOCKOUT_STARTED).get(0).data().path("lockSeconds").asLong())
                    .isEqualTo(900);
        }

        @Test
        void shouldResetFailureWindowButNotLevelWhenVerificationSucceeds() {
            lockUser();
            t.advance(Duration.ofSeconds(900));
            final String code = t.requestAndReadCode("login");
            for (int i = 0; i < 4; i++) {
                t.verify("login", wrong(code));
            }
            assertThat(t.verify("login", code).status()).isEqualTo(ReplyStatus.APPROVED);
            t.events();

            t.advance(Duration.ofSeconds(60));
            final String next = t.requestAndReadCode("login");
            for (int i = 0; i < 4; i++) {
                assertThat(t.verify("login", wrong(next)).status()).isEqualTo(ReplyStatus.DENIED);
            }
            assertThat(eventsOfType(EventTypes.LOCKOUT_STARTED)).isEmpty();
            t.verify("login", wrong(next));
            assertThat(eventsOfType(EventTypes.LOCKOUT_STARTED).get(0).data().path("level").asInt()).isEqualTo(2);
        }

        @Test
        void shouldForgetFailuresWhenTheyLeaveTheWindow() {
            final String code = t.requestAndReadCode("login");
            for (int i = 0; i < 4; i++) {
                t.verify("login", wrong(code));
            }
            t.advance(Duration.ofMinutes(15));
            final String next = t.requestAndReadCode("login");

            assertThat(t.verify("login", wrong(next)).retryAfterSeconds()).isNull();
            assertThat(t.verify("login", next).status()).isEqualTo(ReplyStatus.APPROVED);
        }

        @Test
        void shouldEndLockoutFromSweepWhenLockTimeIsUp() {
            lockUser();
            t.events();

            t.advance(Duration.ofSeconds(900));

            final List<CloudEvent> ended = eventsOfType(EventTypes.LOCKOUT_ENDED);
            assertThat(ended).hasSize(1);
            assertThat(ended.get(0).data().path("reason").asText()).isEqualTo("expired");
            assertThat(t.request("login").status()).isEqualTo(ReplyStatus.PENDING);
        }

        @Test
        void shouldUnlockAndEmitEventsWhenAdminUnlocks() {
            lockUser();
            t.events();

            assertThat(t.unlock().status()).isEqualTo(ReplyStatus.UNLOCKED);

            assertThat(t.eventTypes()).containsExactly(EventTypes.USER_UNLOCKED, EventTypes.LOCKOUT_ENDED);
            assertThat(t.request("step_up").status()).isEqualTo(ReplyStatus.PENDING);
        }
    }

    @Nested
    class TwoPhase {

        @Test
        void shouldReserveApprovedCodeUntilConsumedOnceWhenPurposeIsTwoPhase() {
            final OtpIssued issued = t.requestAndReadIssued("password_reset");
            final String code = t.openSecret(issued).code();

            assertThat(t.verify("password_reset", code).status()).isEqualTo(ReplyStatus.APPROVED);
            assertThat(t.verify("password_reset", code).status()).isEqualTo(ReplyStatus.NOT_FOUND);
            assertThat(t.consume(issued.otpId()).status()).isEqualTo(ReplyStatus.CONSUMED);
            assertThat(t.consume(issued.otpId()).status()).isEqualTo(ReplyStatus.CONFLICT);
            assertThat(eventsOfType(EventTypes.CONSUME_COMPLETED).stream()
                    .map(e -> e.data().path("outcome").asText())).containsExactly("consumed", "conflict");
        }

        @Test
        void shouldRefuseConsumeWhenCodeIsNotApprovedOrPurposeIsOnePhase() {
            final OtpIssued reset = t.requestAndReadIssued("password_reset");
            final OtpIssued login = t.requestAndReadIssued("login");
            t.verify("login", login.otpId(), t.openSecret(login).code());

            assertThat(t.consume(reset.otpId()).status()).isEqualTo(ReplyStatus.CONFLICT);
            assertThat(t.consume(login.otpId()).status()).isEqualTo(ReplyStatus.CONFLICT);
            assertThat(eventsOfType(EventTypes.CONSUME_COMPLETED).stream()
                    .map(e -> e.data().path("reason").asText())).containsExactly("not_approved", "not_found");
        }

        @Test
        void shouldExpireApprovedButUnconsumedCodeWhenLifetimeHasPassed() {
            final OtpIssued issued = t.requestAndReadIssued("password_reset");
            t.verify("password_reset", t.openSecret(issued).code());
            t.events();

            t.advance(Duration.ofMinutes(10));

            final List<CloudEvent> expired = eventsOfType(EventTypes.OTP_EXPIRED);
            assertThat(expired).hasSize(1);
            assertThat(expired.get(0).data().path("approved").asBoolean()).isTrue();
            assertThat(t.consume(issued.otpId()).status()).isEqualTo(ReplyStatus.CONFLICT);
        }
    }

    @Nested
    class Idempotency {

        @Test
        void shouldReturnFirstDecisionAndCountNothingWhenKeyIsRepeated() {
            final String code = t.requestAndReadCode("login");
            final IdempotencyKey key = new IdempotencyKey("retry-1", "hash-a");
            final VerifyReply first = TopologyHarness.as(VerifyReply.class,
                    t.send(t.verifyCommand("login", null, wrong(code), key)));
            t.events();

            final VerifyReply again = TopologyHarness.as(VerifyReply.class,
                    t.send(t.verifyCommand("login", null, wrong(code), key)));

            assertThat(again.status()).isEqualTo(ReplyStatus.DENIED);
            assertThat(again.attemptsRemaining()).isEqualTo(first.attemptsRemaining()).isEqualTo(4);
            assertThat(first.replayed()).isFalse();
            assertThat(again.replayed()).isTrue();
            assertThat(t.events()).isEmpty();
            assertThat(t.userState().pending().get("login").failedAttempts()).isEqualTo(1);
            assertThat(t.userState().lockout().failuresMs()).hasSize(1);
        }

        @Test
        void shouldIssueOneCodeWhenRequestIsRepeatedWithSameKey() {
            final IdempotencyKey key = new IdempotencyKey("req-1", "hash-r");
            final IssuedReply first = TopologyHarness.as(IssuedReply.class, t.send(t.requestCommand("login", key)));

            final IssuedReply again = TopologyHarness.as(IssuedReply.class, t.send(t.requestCommand("login", key)));

            assertThat(again.status()).isEqualTo(ReplyStatus.PENDING);
            assertThat(again.otpId()).isEqualTo(first.otpId());
            assertThat(t.delivery.readValuesToList()).hasSize(1);
        }

        @Test
        void shouldAnswerMismatchWhenKeyIsReusedWithAnotherBody() {
            t.requestAndReadCode("login");
            t.send(t.verifyCommand("login", null, "111111", new IdempotencyKey("k", "hash-a")));

            final OtpReply reply = t.send(t.verifyCommand("login", null, "222222", new IdempotencyKey("k", "hash-b")));

            assertThat(reply.status()).isEqualTo(ReplyStatus.IDEMPOTENCY_MISMATCH);
            assertThat(t.userState().pending().get("login").failedAttempts()).isEqualTo(1);
        }

        @Test
        void shouldNotReplayApprovalWhenVerifiedCodeHasExpired() {
            final String code = t.requestAndReadCode("login");
            final IdempotencyKey key = new IdempotencyKey("verify-1", "hash-v");
            final VerifyReply first = TopologyHarness.as(VerifyReply.class,
                    t.send(t.verifyCommand("login", null, code, key)));
            final VerifyReply replayed = TopologyHarness.as(VerifyReply.class,
                    t.send(t.verifyCommand("login", null, code, key)));
            t.advance(Duration.ofMinutes(10));

            final VerifyReply later = TopologyHarness.as(VerifyReply.class,
                    t.send(t.verifyCommand("login", null, code, key)));

            assertThat(first.status()).isEqualTo(ReplyStatus.APPROVED);
            assertThat(replayed.status()).isEqualTo(ReplyStatus.APPROVED);
            assertThat(replayed.replayed()).isTrue();
            assertThat(later.status()).as("the key lived no longer than the code").isEqualTo(ReplyStatus.NOT_FOUND);
            assertThat(later.replayed()).isFalse();
        }

        @Test
        void shouldDecideAgainWhenKeyOutlivedItsTtl() {
            final IdempotencyKey key = new IdempotencyKey("req-1", "hash-r");
            final IssuedReply first = TopologyHarness.as(IssuedReply.class, t.send(t.requestCommand("login", key)));
            t.advance(Duration.ofHours(24));

            final IssuedReply later = TopologyHarness.as(IssuedReply.class, t.send(t.requestCommand("login", key)));

            assertThat(later.otpId()).isNotEqualTo(first.otpId());
        }
    }

    @Nested
    class ExpirySweep {

        /** A code's default lifetime (5 minutes: seeds 001, 002, 004). */
        private static final Duration LIFETIME = Duration.ofSeconds(PurposeRules.DEFAULTS.lifetimeSeconds());

        @Test
        void shouldEmitExpiredAndDeleteEverythingWhenUserGoesQuiet() {
            t.send(t.requestCommand("login", new IdempotencyKey("k1", "h")));
            t.events();

            t.advance(LIFETIME);
            assertThat(eventsOfType(EventTypes.OTP_EXPIRED)).hasSize(1);
            assertThat(t.userState().pending().get("login").expired()).isTrue();
            // the code is forgotten one lifetime after it expired, the send once it left its 15-minute window
            t.advance(Duration.ofSeconds(PurposeRules.DEFAULTS.sendWindowSeconds()).minus(LIFETIME).plusMinutes(1));
            assertThat(t.userState()).as("nothing left").isNull();
            assertThat(t.events()).isEmpty();

            t.advance(Duration.ofHours(24));
            assertThat(t.storeKeys(Nodes.USER_STATE_STORE)).isEmpty();
            assertThat(t.storeKeys(Nodes.IDEMPOTENCY_STORE)).isEmpty();
            assertThat(t.storeKeys(Nodes.EXPIRY_INDEX_STORE)).isEmpty();
        }

        @Test
        void shouldLeaveNoStateWhenManyUsersLockedThemselvesAndWentQuiet() {
            for (int u = 0; u < 50; u++) {
                final String user = "quiet-" + u;
                t.commands.pipeInput(new TestRecord<>("acme:" + user, TopologyHarness.serialize(otherUserRequest(user)),
                        t.now()));
                for (int i = 0; i < 5; i++) {
                    t.commands.pipeInput(new TestRecord<>("acme:" + user,
                            TopologyHarness.serialize(otherUserVerify(user)), t.now()));
                }
            }
            assertThat(t.storeKeys(Nodes.USER_STATE_STORE)).hasSize(50);

            t.advance(Duration.ofHours(25));

            assertThat(t.storeKeys(Nodes.USER_STATE_STORE)).isEmpty();
            assertThat(t.storeKeys(Nodes.EXPIRY_INDEX_STORE)).isEmpty();
            assertThat(eventsOfType(EventTypes.LOCKOUT_ENDED)).hasSize(50);
        }

        @Test
        void shouldAnswerExpiredWhenCodeLapsedBeforeSweepRan() {
            t.close();
            t = new TopologyHarness(new OtpRules(PurposeRules.DEFAULTS, java.util.Map.of(), LockoutRules.DEFAULTS,
                    86_400, Duration.ofHours(1).toMillis()));
            final String code = t.requestAndReadCode("login");
            t.advance(LIFETIME);

            assertThat(t.verify("login", code).status()).isEqualTo(ReplyStatus.EXPIRED);
        }

        @Test
        void shouldDecideOnRecordTimestampWhenNoSweepTickCame() {
            final String code = t.requestAndReadCode("login");
            t.events();
            final OtpVerifyAttempted verify = t.verifyCommand("login", null, code, null);

            t.commands.pipeInput(new TestRecord<>(KEY, TopologyHarness.serialize(verify), null,
                    START.plus(LIFETIME)));

            assertThat(t.replies.readValue().status()).isEqualTo(ReplyStatus.EXPIRED);
            assertThat(eventsOfType(EventTypes.OTP_EXPIRED)).hasSize(1);
        }

        @Test
        void shouldEmitExpiredOnceWithSameIdWhetherSweepOrCommandNoticedIt() {
            final String code = t.requestAndReadCode("login");
            t.events();
            t.advance(LIFETIME);
            final List<CloudEvent> bySweep = eventsOfType(EventTypes.OTP_EXPIRED);

            assertThat(t.verify("login", code).status()).isEqualTo(ReplyStatus.EXPIRED);
            assertThat(eventsOfType(EventTypes.OTP_EXPIRED)).isEmpty();
            assertThat(bySweep).hasSize(1);
            assertThat(bySweep.get(0).time()).isEqualTo(START.plus(LIFETIME));
        }
    }

    private OtpRequested otherUserRequest(final String user) {
        final OtpRequested base = t.requestCommand("login", null);
        return new OtpRequested(base.commandId(), base.tenantId(), user, "login", base.channel(), null, null,
                START, t.commandAead.seal("quiet@example.com".getBytes(StandardCharsets.UTF_8),
                base.commandId().getBytes(StandardCharsets.UTF_8)), base.entropy(), null);
    }

    private OtpVerifyAttempted otherUserVerify(final String user) {
        final OtpVerifyAttempted base = t.verifyCommand("login", null, "000000", null);
        return new OtpVerifyAttempted(base.commandId(), base.tenantId(), user, "login", null, null, START,
                base.code(), null);
    }
}
