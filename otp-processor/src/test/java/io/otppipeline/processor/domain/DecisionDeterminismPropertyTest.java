package io.otppipeline.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.FactorVerifyAttempted;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.MagicLink;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.gate.GateSend;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.OtpReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Properties of the pure decision core (docs/DESIGN-NOTES.md, "Deterministic decisions"), on random scripts of
 * requests, right and wrong verifications, consumes, unlocks, idempotent retries and pauses of random length:
 *
 * <ul>
 *   <li>taking the decisions again from a random committed prefix (the state read back from its store format,
 *       as a restored changelog gives it), on a second decision core built from the same keys, yields byte-for-byte
 *       the same replies, events, deliveries and states: what lets otp-api answer before the commit;</li>
 *   <li>sweeping at random positions never changes a reply, and every fact (a code expired, a lockout ended)
 *       is reported once with the same event id whether the sweep or a command noticed it.</li>
 * </ul>
 *
 * <p>A failing property prints its seed ("Seed was N"); {@code -DQT_SEED=N} replays it.
 */
class DecisionDeterminismPropertyTest {

    private static final String TENANT = "acme";
    private static final String USER = "u-1";
    private static final long START_MS = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
    private static final List<String> PURPOSES = List.of("login", "password_reset");
    /** The authenticator secret of every enrolment in the scripts. */
    private static final byte[] FACTOR_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    /** Client addresses of the scripts: two IPv4, and two IPv6 of one /64. */
    private static final List<String> ADDRESSES = List.of("203.0.113.9", "198.51.100.66", "2001:db8:1:2::1",
            "2001:db8:1:2::2");

    private final Keyring commandKeyring = Keyring.generate("c1");
    private final Keyring deliveryKeyring = Keyring.generate("d1");
    private final Keyring pepperKeyring = Keyring.generate("p1");
    private final Keyring factorKeyring = Keyring.generate("f1");

    /** One step of a script. */
    sealed interface Step permits Request, Verify, Consume, Unlock, Pause, Retry, EnrolTotp, ConfirmFactor,
            VerifyFactor, RequestLink {
    }

    /** Enrol a TOTP factor (always with {@link #FACTOR_SECRET}). */
    record EnrolTotp() implements Step {
    }

    /** Confirm the newest enrolled factor with the code of the command's time, or a wrong one. */
    record ConfirmFactor(boolean right) implements Step {
    }

    /** An authenticator code of the command's time, or a wrong one. */
    record VerifyFactor(boolean right) implements Step {
    }

    record Request(int purpose) implements Step {
    }

    record Verify(int purpose, boolean right) implements Step {
    }

    record Consume(int purpose) implements Step {
    }

    record Unlock() implements Step {
    }

    /** A magic link instead of a code: its token and sealed route must be derived the same way every time. */
    record RequestLink(int purpose) implements Step {
    }

    /** Time passes (milliseconds). */
    record Pause(long ms) implements Step {
    }

    /** The previous command again, with the same idempotency key. */
    record Retry() implements Step {
    }

    /** Random scripts of 1 to 60 steps, requests, verifications and pauses weighted as below. */
    private static Gen<List<Step>> scripts() {
        final Gen<Integer> purpose = integers().between(0, PURPOSES.size() - 1);
        final Gen<Boolean> rightOrWrong = booleans().all();
        final Gen<Step> step = Generate.frequency(List.of(
                weighted(3, purpose.map(Request::new)),
                weighted(1, purpose.map(RequestLink::new)),
                weighted(6, purpose.zip(rightOrWrong, Verify::new)),
                weighted(1, purpose.map(Consume::new)),
                weighted(1, Generate.constant(new Unlock())),
                weighted(2, Generate.constant(new Retry())),
                weighted(1, Generate.constant(new EnrolTotp())),
                weighted(1, rightOrWrong.map(ConfirmFactor::new)),
                weighted(2, rightOrWrong.map(VerifyFactor::new)),
                weighted(4, pauses())));
        return lists().of(step).ofSizeBetween(1, 60);
    }

    /** Pauses up to 90 seconds, up to 30 minutes or up to 26 hours, each a third of the time. */
    @SuppressWarnings("unchecked")
    private static Gen<Step> pauses() {
        final Gen<Long> ms = Generate.oneOf(longs().between(0, 90_000), longs().between(90_000, 30L * 60_000),
                longs().between(0, 26L * 3_600_000));
        return ms.map(Pause::new);
    }

    /** {@code steps} as steps of a script, drawn {@code weight} times in the sum of the weights. */
    private static Pair<Integer, Gen<Step>> weighted(final int weight, final Gen<? extends Step> steps) {
        final Gen<Step> asSteps = steps.map(s -> s);
        return Pair.of(weight, asSteps);
    }

    @Test
    void shouldDecideIdenticallyWhenReprocessedFromAnyCommittedPrefix() {
        qt().withExamples(150)
                .forAll(scripts(), integers().between(0, 60), booleans().all())
                .checkAssert((script, cut, byAddress) -> {
                    final List<Timed> commands = commands(script, new Random(script.hashCode()));
                    final Run first = new Run(core(byAddress)).apply(commands, Map.of());
                    final int prefix = Math.min(cut, commands.size());
                    final Run committed = new Run(core(byAddress)).apply(commands.subList(0, prefix), Map.of());

                    final Run again = committed.restoredOn(core(byAddress))
                            .apply(commands.subList(prefix, commands.size()), Map.of());

                    assertThat(again.outputs).isEqualTo(first.outputs.subList(prefix, first.outputs.size()));
                    assertThat(json(again.state)).isEqualTo(json(first.state));
                });
    }

    @Test
    void shouldAnswerSameWhenSweepRunsAtRandomPositions() {
        qt().withExamples(150)
                .forAll(scripts(), longs().all(), booleans().all())
                .checkAssert((script, sweepSeed, byAddress) -> {
                    final List<Timed> commands = commands(script, new Random(script.hashCode()));
                    final Map<Integer, Long> sweeps = new HashMap<>();
                    final Random random = new Random(sweepSeed);
                    for (int i = 0; i < commands.size(); i++) {
                        final long from = i == 0 ? START_MS : commands.get(i - 1).atMs;
                        if (random.nextInt(3) == 0) {
                            sweeps.put(i, from + (long) (random.nextDouble() * (commands.get(i).atMs - from)));
                        }
                    }
                    final Run quiet = new Run(core(byAddress)).apply(commands, Map.of());
                    final Run swept = new Run(core(byAddress)).apply(commands, sweeps);

                    assertThat(swept.replies()).isEqualTo(quiet.replies());
                    final long end = commands.get(commands.size() - 1).atMs + 26L * 3_600_000;
                    assertThat(Set.copyOf(swept.settledEvents(end))).isEqualTo(Set.copyOf(quiet.settledEvents(end)));
                    assertThat(json(swept.settle(end))).isEqualTo(json(quiet.settle(end)));
                });
    }

    @Test
    void shouldDrawEveryDigitUniformlyWhenCodesAreDerived() {
        qt().withExamples(50)
                .forAll(integers().between(6, 9))
                .checkAssert(digits -> {
                    final Mac key = new Mac(pepperKeyring.derive("otp-code-v1"));
                    final Random random = new Random(digits);
                    final int[][] byPosition = new int[digits][10];
                    for (int i = 0; i < 2000; i++) {
                        final byte[] entropy = new byte[32];
                        random.nextBytes(entropy);
                        final String code = CodeDerivation.code(key, "c-" + i, entropy, digits);
                        assertThat(code).hasSize(digits).matches("[0-9]+");
                        for (int p = 0; p < digits; p++) {
                            byPosition[p][code.charAt(p) - '0']++;
                        }
                    }
                    for (int p = 0; p < digits; p++) {
                        for (int count : byPosition[p]) {
                            assertThat(count).as("each digit about 200 of 2000 times at position %d", p)
                                    .isBetween(120, 280);
                        }
                    }
                });
    }

    /**
     * The decision core with the default rules, or with {@code otp.lockout.scope=user_ip} (a user-wide threshold of
     * 8) when {@code byAddress}; lockout notices on either way, so that their sealed deliveries are compared too.
     */
    private OtpDecisions core(final boolean byAddress) {
        final OtpRules rules = (!byAddress ? OtpRules.DEFAULTS : new OtpRules(OtpRules.DEFAULTS.defaults(),
                OtpRules.DEFAULTS.purposes(), new LockoutRules(5, 900, 900, 86_400, 86_400, 3,
                        new LockoutRules.AddressScope(8, 64)), 86_400, 1000)).withLockoutNotices(java.util.Set.of(TENANT));
        return new OtpDecisions(rules, DecisionKeys.of(commandKeyring, deliveryKeyring, pepperKeyring, factorKeyring));
    }

    /** A command and its record timestamp. */
    record Timed(OtpCommand command, long atMs, boolean right, int purpose) {
    }

    /** The commands of a script; the typed code of a verification is filled in by {@link Run} (it needs the issued code). */
    private List<Timed> commands(final List<Step> script, final Random random) {
        final Aead aead = new Aead(commandKeyring);
        final List<Timed> out = new ArrayList<>();
        long now = START_MS;
        for (Step step : script) {
            final String id = "cmd-" + out.size();
            final IdempotencyKey key = random.nextInt(4) == 0 ? new IdempotencyKey("k-" + out.size(), "h-" + out.size())
                    : null;
            final String ip = ADDRESSES.get(random.nextInt(ADDRESSES.size()));
            final ClientInfo client = new ClientInfo(ip, "prop");
            // sometimes an IP guard verdict, as otp-api stamps it: blocked and/or asking for a challenge for a while
            final IpVerdict verdict = random.nextInt(6) != 0 ? null : new IpVerdict(ip,
                    random.nextBoolean() ? now + random.nextInt(600_000) : 0, now + random.nextInt(600_000));
            if (step instanceof Pause pause) {
                now += pause.ms();
            } else if (step instanceof Retry && !out.isEmpty()) {
                final Timed last = out.get(out.size() - 1);
                out.add(new Timed(last.command(), now, last.right(), last.purpose()));
            } else if (step instanceof Request r) {
                final byte[] entropy = new byte[32];
                random.nextBytes(entropy);
                out.add(new Timed(new OtpRequested(id, TENANT, USER, PURPOSES.get(r.purpose()), Channel.EMAIL, "en",
                        client, Instant.EPOCH, aead.seal("a@example.com".getBytes(StandardCharsets.UTF_8), ad(id)),
                        aead.seal(entropy, ad(id)), key, verdict), now, false, r.purpose()));
            } else if (step instanceof RequestLink r) {
                final byte[] entropy = new byte[32];
                random.nextBytes(entropy);
                out.add(new Timed(new OtpRequested(id, TENANT, USER, PURPOSES.get(r.purpose()), Channel.EMAIL, "en",
                        client, Instant.EPOCH, aead.seal("a@example.com".getBytes(StandardCharsets.UTF_8), ad(id)),
                        aead.seal(entropy, ad(id)), key, verdict, new MagicLink("https://verify.example",
                        "https://app.example/cb")), now, false, r.purpose()));
            } else if (step instanceof Verify v) {
                out.add(new Timed(new OtpVerifyAttempted(id, TENANT, USER, PURPOSES.get(v.purpose()), null, client,
                        Instant.EPOCH, null, key, verdict), now, v.right(), v.purpose()));
            } else if (step instanceof Consume c) {
                out.add(new Timed(new OtpConsumeRequested(id, TENANT, USER, null, client, Instant.EPOCH, key), now,
                        false, c.purpose()));
            } else if (step instanceof EnrolTotp) {
                out.add(new Timed(new FactorEnrolRequested(id, TENANT, USER, FactorType.TOTP, client, Instant.EPOCH,
                        aead.seal(FACTOR_SECRET, ad(id)), key), now, false, 0));
            } else if (step instanceof ConfirmFactor c) {
                out.add(new Timed(new FactorConfirmRequested(id, TENANT, USER, null, client, Instant.EPOCH, null, key,
                        verdict),
                        now, c.right(), 0));
            } else if (step instanceof VerifyFactor v) {
                out.add(new Timed(new FactorVerifyAttempted(id, TENANT, USER, null, client, Instant.EPOCH, null, key,
                        verdict), now, v.right(), 0));
            } else if (step instanceof Unlock) {
                out.add(new Timed(new UserUnlockRequested(id, TENANT, USER, "admin", null, Instant.EPOCH, key), now,
                        false, 0));
            }
            now += 1;
        }
        if (out.isEmpty()) {
            out.add(new Timed(new UserUnlockRequested("cmd-0", TENANT, USER, "admin", null, Instant.EPOCH, null),
                    now, false, 0));
        }
        return out;
    }

    private static byte[] ad(final String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The processor's loop over one user's commands, without Kafka: idempotency records, then the decision, the
     * state kept as its changelog JSON; optional sweeps before some commands.
     */
    private final class Run {

        private final OtpDecisions core;
        private final Aead commandAead = new Aead(commandKeyring);
        private final Aead deliveryAead = new Aead(deliveryKeyring);
        final List<String> outputs = new ArrayList<>();
        private final List<String> replies = new ArrayList<>();
        private final Set<String> events = new HashSet<>();
        private final Map<String, IdempotencyRecord> idempotency = new TreeMap<>();
        private final Map<String, String> codes = new HashMap<>();
        private final Map<String, String> otpIds = new HashMap<>();
        private String factorId;
        UserState state = UserState.EMPTY;

        Run(final OtpDecisions core) {
            this.core = core;
        }

        /**
         * A run on {@code other} that starts from this run's stores as a restarted processor restores them from
         * their changelogs (read back from JSON); what the test knows of issued codes is carried over.
         */
        Run restoredOn(final OtpDecisions other) {
            final Run next = new Run(other);
            next.state = roundTrip(state);
            idempotency.forEach((k, v) -> next.idempotency.put(k, read(json(v), IdempotencyRecord.class)));
            next.codes.putAll(codes);
            next.otpIds.putAll(otpIds);
            next.factorId = factorId;
            return next;
        }

        Run apply(final List<Timed> commands, final Map<Integer, Long> sweeps) {
            for (int i = 0; i < commands.size(); i++) {
                if (sweeps.containsKey(i)) {
                    record(core.sweep(state, DecisionContext.sweep(TENANT, USER, sweeps.get(i))), null);
                }
                decide(commands.get(i));
            }
            return this;
        }

        private void decide(final Timed timed) {
            final OtpCommand command = withCode(timed);
            final IdempotencyKey key = command.idempotency();
            final IdempotencyRecord first = key == null ? null : idempotency.get(key.key());
            if (first != null && first.expiresAtMs() > timed.atMs()) {
                final OtpReply reply = OtpDecisions.replay(first, command);
                replies.add(json(reply));
                outputs.add(json(reply));
                return;
            }
            final Decision decision = core.decide(state, command, DecisionContext.of(command, timed.atMs()));
            if (key != null) {
                idempotency.put(key.key(), new IdempotencyRecord(key.requestHash(), decision.reply(),
                        decision.replayUntilMs()));
            }
            record(decision, decision.reply());
        }

        private void record(final Decision decision, final OtpReply reply) {
            // as the store keeps it: a state with nothing live is deleted (UserStates.put), read back as EMPTY
            state = decision.state().isEmpty() ? UserState.EMPTY : roundTrip(decision.state());
            decision.events().forEach(e -> events.add(json(e)));
            if (reply != null) {
                replies.add(json(reply));
                outputs.add(json(reply) + json(decision.events()) + json(decision.gate()) + json(state));
            }
            if (reply instanceof FactorEnrolledReply enrolled) {
                factorId = enrolled.factorId();
            }
            if (decision.gate() instanceof GateSend send) {
                final OtpIssued delivery = send.delivery();
                final String code = open(delivery).code(); // none in a magic link or a lockout notice
                if (code == null) {
                    codes.remove(delivery.purpose());
                } else {
                    codes.put(delivery.purpose(), code);
                    otpIds.put(delivery.purpose(), delivery.otpId());
                }
            }
        }

        /** Fills in the typed code (right or wrong) and the otpId of a consume from what was issued. */
        private OtpCommand withCode(final Timed timed) {
            if (timed.command() instanceof OtpVerifyAttempted v && v.code() == null) {
                final String issued = codes.getOrDefault(v.purpose(), "000000");
                final String typed = timed.right() ? issued : (issued.charAt(0) == '0' ? "1" : "0") + issued.substring(1);
                return new OtpVerifyAttempted(v.commandId(), v.tenantId(), v.userId(), v.purpose(), v.otpId(),
                        v.client(), v.sentAt(), commandAead.seal(typed.getBytes(StandardCharsets.UTF_8),
                        ad(v.commandId())), v.idempotency(), v.ipVerdict());
            }
            final String totp = Hotp.code(FACTOR_SECRET, Hotp.step(timed.atMs(), 30), 6, "SHA1");
            final String typedTotp = timed.right() ? totp : (totp.charAt(0) == '0' ? "1" : "0") + totp.substring(1);
            if (timed.command() instanceof FactorConfirmRequested c && c.code() == null) {
                return new FactorConfirmRequested(c.commandId(), c.tenantId(), c.userId(),
                        factorId == null ? "none" : factorId, c.client(), c.sentAt(),
                        commandAead.seal(typedTotp.getBytes(StandardCharsets.UTF_8), ad(c.commandId())),
                        c.idempotency(), c.ipVerdict());
            }
            if (timed.command() instanceof FactorVerifyAttempted v && v.code() == null) {
                return new FactorVerifyAttempted(v.commandId(), v.tenantId(), v.userId(), null, v.client(), v.sentAt(),
                        commandAead.seal(typedTotp.getBytes(StandardCharsets.UTF_8), ad(v.commandId())),
                        v.idempotency(), v.ipVerdict());
            }
            if (timed.command() instanceof OtpConsumeRequested c && c.otpId() == null) {
                return new OtpConsumeRequested(c.commandId(), c.tenantId(), c.userId(),
                        otpIds.getOrDefault(PURPOSES.get(timed.purpose()), "none"), c.client(), c.sentAt(),
                        c.idempotency());
            }
            return timed.command();
        }

        List<String> replies() {
            return replies.stream().map(r -> r.replaceAll("\"commandId\":\"[^\"]*\"", "")).toList();
        }

        UserState settle(final long atMs) {
            return core.sweep(state, DecisionContext.sweep(TENANT, USER, atMs)).state();
        }

        /** Every event emitted, plus what a final sweep at {@code atMs} would report. */
        Set<String> settledEvents(final long atMs) {
            final Set<String> all = new HashSet<>(events);
            core.sweep(state, DecisionContext.sweep(TENANT, USER, atMs)).events().forEach(e -> all.add(json(e)));
            return all;
        }

        private DeliverySecret open(final OtpIssued issued) {
            try {
                return Json.mapper().readValue(deliveryAead.open(issued.secret(),
                        issued.otpId().getBytes(StandardCharsets.UTF_8)), DeliverySecret.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The state as the store's changelog gives it back: written and read in the store's own format. */
    private static UserState roundTrip(final UserState state) {
        final io.otppipeline.processor.streams.UserStateSerde store = new io.otppipeline.processor.streams.UserStateSerde();
        return store.deserialize("changelog", store.serialize("changelog", state));
    }

    private static <T> T read(final String json, final Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(final Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
