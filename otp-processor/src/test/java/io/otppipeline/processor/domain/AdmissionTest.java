package io.otppipeline.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.command.CaptchaVerdict;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.reply.ReplyStatus;
import org.junit.jupiter.api.Test;

/** The one admission step ({@link Admission}): the IP verdict first, then the lockout. */
class AdmissionTest {

    private static final long NOW_MS = 1_800_000_000_000L;
    private static final String ADDRESS = "203.0.113.7";

    private static UserState lockedUser(final LockoutRules rules, final String address) {
        UserState state = UserState.EMPTY;
        for (int i = 0; i < rules.maxFailures(); i++) {
            state = state.withFailure(DecisionContext.sweep("t", "u", NOW_MS - 1_000 + i), rules, address);
        }
        return state;
    }

    @Test
    void shouldAdmitWhenNeitherTheAddressIsBlockedNorTheUserLocked() {
        final IpVerdict challengeOnly = new IpVerdict(ADDRESS, 0, NOW_MS + 60_000);

        assertThat(Admission.check(UserState.EMPTY, null, null, NOW_MS).admitted()).isTrue();
        assertThat(Admission.check(UserState.EMPTY, challengeOnly, null, NOW_MS).admitted())
                .as("a challenge is a hint, not a refusal").isTrue();
        assertThat(Admission.check(UserState.EMPTY, new IpVerdict(ADDRESS, NOW_MS, 0), null, NOW_MS).admitted())
                .as("a block that lapses at the decision time").isTrue();
    }

    @Test
    void shouldRefuseIpLimitBeforeLockWhenAddressIsBlockedAndUserLocked() {
        final UserState locked = lockedUser(LockoutRules.DEFAULTS, null);
        final IpVerdict blocked = new IpVerdict(ADDRESS, NOW_MS + 30_500, 0);

        final Admission both = Admission.check(locked, blocked, null, NOW_MS);
        final Admission lockOnly = Admission.check(locked, null, null, NOW_MS);

        assertThat(both.status()).as("the address is refused before the user is looked at")
                .isEqualTo(ReplyStatus.RATE_LIMITED);
        assertThat(both.reason()).isEqualTo("ip_limit");
        assertThat(both.waitSeconds()).as("rounded up").isEqualTo(31);
        assertThat(both.byUser()).isFalse();
        assertThat(lockOnly.status()).isEqualTo(ReplyStatus.LOCKED);
        assertThat(lockOnly.reason()).isEqualTo("locked");
        assertThat(lockOnly.byUser()).isTrue();
        assertThat(lockOnly.waitMs()).isEqualTo(locked.lockRemainingMs(null, NOW_MS)).isPositive();
    }

    @Test
    void shouldRefuseOnlyTheLockedAddressWhenScopeIsUserIp() {
        final LockoutRules byAddress = new LockoutRules(5, 900, 900, 86_400, 86_400, 3,
                new LockoutRules.AddressScope(20, 64));
        final UserState state = lockedUser(byAddress, ADDRESS);

        assertThat(Admission.check(state, null, ADDRESS, NOW_MS).status()).isEqualTo(ReplyStatus.LOCKED);
        assertThat(Admission.check(state, null, "198.51.100.1", NOW_MS).admitted())
                .as("another address of the same user").isTrue();
    }

    @Test
    void shouldRefuseWithoutPassedCaptchaOnlyWhenChallengeWasDue() {
        final LockoutRules rules = LockoutRules.DEFAULTS; // a challenge after 3 failures in the window
        UserState failing = UserState.EMPTY;
        for (int i = 0; i < rules.challengeAfterFailures(); i++) {
            failing = failing.withFailure(DecisionContext.sweep("t", "u", NOW_MS - 1_000 + i), rules, null);
        }
        final IpVerdict challenged = new IpVerdict(ADDRESS, 0, NOW_MS + 60_000);

        for (CaptchaVerdict refused : new CaptchaVerdict[] {CaptchaVerdict.MISSING, CaptchaVerdict.FAILED,
            CaptchaVerdict.UNAVAILABLE}) {
            final Admission a = Admission.check(failing, null, refused, rules, null, NOW_MS);
            assertThat(a.status()).as(refused.name()).isEqualTo(ReplyStatus.CHALLENGE_REQUIRED);
            assertThat(a.reason()).isEqualTo(refused.refusalReason());
            assertThat(a.byUser()).isFalse();
            assertThat(Admission.check(UserState.EMPTY, challenged, refused, rules, null, NOW_MS).status())
                    .as("the address's challenge").isEqualTo(ReplyStatus.CHALLENGE_REQUIRED);
        }
        assertThat(Admission.check(failing, null, CaptchaVerdict.PASSED, rules, null, NOW_MS).admitted()).isTrue();
        assertThat(Admission.check(failing, null, CaptchaVerdict.BYPASSED, rules, null, NOW_MS).admitted())
                .as("provider down, tenant fails open").isTrue();
        assertThat(Admission.check(failing, null, null, rules, null, NOW_MS).admitted())
                .as("a tenant without CAPTCHA: challengeRequired stays a hint").isTrue();
        assertThat(Admission.check(UserState.EMPTY, null, CaptchaVerdict.MISSING, rules, null, NOW_MS).admitted())
                .as("no challenge due: no token needed").isTrue();
        assertThat(Admission.check(lockedUser(rules, null), null, CaptchaVerdict.PASSED, rules, null, NOW_MS)
                .status()).as("a solved CAPTCHA does not lift a lockout").isEqualTo(ReplyStatus.LOCKED);
    }
}
