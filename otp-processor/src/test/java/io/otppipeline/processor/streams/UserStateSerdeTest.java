package io.otppipeline.processor.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.maps;
import static org.quicktheories.generators.SourceDSL.strings;

import io.otppipeline.processor.domain.Contact;
import io.otppipeline.processor.domain.Factor;
import io.otppipeline.processor.domain.LinkState;
import io.otppipeline.processor.domain.Lockout;
import io.otppipeline.processor.domain.PendingOtp;
import io.otppipeline.processor.domain.SendRecord;
import io.otppipeline.processor.domain.UserState;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.crypto.SealedBox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The user state store's binary format ({@link UserStateSerde}): every state reads back equal, strings of any
 * shape character for character; states written as JSON by earlier versions are still read; the format stays
 * within issue 14's budget of 256 bytes per active user. A failing property prints its seed ("Seed was N");
 * {@code -DQT_SEED=N} replays it.
 */
class UserStateSerdeTest {

    private final UserStateSerde serde = new UserStateSerde();

    @Test
    void shouldReadBackEqualStateWhenWrittenInBinaryFormat() {
        qt().withExamples(500)
                .forAll(states())
                .checkAssert(state -> {
                    final byte[] bytes = serde.serialize("t", state);

                    assertThat(bytes[0]).isEqualTo(UserStateSerde.FORMAT_1);
                    assertThat(serde.deserialize("t", bytes)).isEqualTo(state);
                });
    }

    @Test
    void shouldRefuseWithoutEchoingBytesWhenValueIsGarbage() {
        qt().withExamples(300)
                .forAll(Generate.byteArrays(integers().between(0, 255),
                        Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)))
                .checkAssert(garbage -> {
                    final byte[] value = new byte[garbage.length + 1];
                    value[0] = UserStateSerde.FORMAT_1;
                    System.arraycopy(garbage, 0, value, 1, garbage.length);
                    try {
                        serde.deserialize("t", value);
                    } catch (SerializationException e) {
                        assertThat(e.getMessage()).startsWith("record is not a valid UserState");
                    }
                });
    }

    /** A map key written as {@code null} (length 0): corrupt, refused as such, not a NullPointerException. */
    @Test
    void shouldRefuseWhenMapKeyIsNull() {
        final byte[] value = new byte[16];
        value[0] = UserStateSerde.FORMAT_1;
        value[1] = 1;

        assertThatThrownBy(() -> serde.deserialize("t", value))
                .isInstanceOf(SerializationException.class).hasMessageStartingWith("record is not a valid UserState");
    }

    @Test
    void shouldRefuseWhenFormatByteIsUnknown() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {9, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown format");
    }

    /** A state as version 0.1 wrote it to the changelog (JSON), before the binary format. */
    @Test
    void shouldReadStateWhenChangelogHoldsJsonOfEarlierVersion() {
        final String json = "{\"pending\":{\"login\":{\"otpId\":\"0b7e2a8c-35d1-8f44-9a1b-2c3d4e5f6a7b\","
                + "\"codeMac\":\"q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=\",\"macKid\":\"p1\",\"channel\":\"email\","
                + "\"destinationMasked\":\"a***e@example.com\",\"issuedAtMs\":1764583200000,"
                + "\"expiresAtMs\":1764583500000,\"failedAttempts\":2,\"approved\":false,\"expired\":false,"
                + "\"callingCode\":0,\"destinationHash\":\"p1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\","
                + "\"delivery\":\"sent\",\"deliveryReason\":null,\"link\":null}},"
                + "\"sends\":[{\"purpose\":\"login\",\"atMs\":1764583200000}],"
                + "\"lockout\":{\"failuresMs\":[1764583260000,1764583270000],\"level\":0,\"lockedUntilMs\":0,"
                + "\"lastFailureMs\":1764583270000},\"addressLockouts\":{},\"factors\":{},\"contact\":null}";

        final UserState state = serde.deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        final PendingOtp otp = state.pending().get("login");
        assertThat(otp.otpId()).isEqualTo("0b7e2a8c-35d1-8f44-9a1b-2c3d4e5f6a7b");
        assertThat(otp.failedAttempts()).isEqualTo(2);
        assertThat(otp.expiresAtMs()).isEqualTo(1764583500000L);
        assertThat(otp.delivery()).isEqualTo("sent");
        assertThat(state.sends()).containsExactly(new SendRecord("login", 1764583200000L));
        assertThat(state.lockout().failuresMs()).containsExactly(1764583260000L, 1764583270000L);
        assertThat(serde.deserialize("t", serde.serialize("t", state))).isEqualTo(state);
    }

    /** Issue 14: at most 256 bytes per active user, key and expiry-index entry included (about 60 bytes). */
    @Test
    void shouldTakeUnder190BytesWhenUserHasOnePendingCodeAndOneFailure() {
        final long t = 1764583200000L;
        final UserState state = UserState.EMPTY
                .withPending("login", new PendingOtp(UUID.randomUUID().toString(), base64(32), "p1", Channel.EMAIL,
                        "a***e@example.com", t, t + 600_000, 1, false, false, 0, "p1:" + base64(32), "sent", null,
                        null));
        final UserState withSendAndFailure = new UserState(state.pending(), List.of(new SendRecord("login", t)),
                new Lockout(List.of(t + 60_000), 0, 0, t + 60_000), Map.of(), Map.of(), null);

        assertThat(serde.serialize("t", withSendAndFailure)).hasSizeLessThan(190);
    }

    @Test
    void shouldKeepEnumerationOrderWhenStatesStoreOrdinals() {
        assertThat(Channel.values()).containsExactly(Channel.EMAIL, Channel.SMS);
        assertThat(FactorType.values()).containsExactly(FactorType.TOTP, FactorType.HOTP);
    }

    private static Gen<UserState> states() {
        final Gen<String> purposes = Generate.pick(List.of("login", "password_reset", "step_up", "x"));
        final Gen<Map<String, PendingOtp>> pending = maps().of(purposes, pendingOtps()).ofSizeBetween(0, 3);
        final Gen<SendRecord> send = purposes.zip(times(), SendRecord::new);
        final Gen<List<SendRecord>> sends = lists().of(send).ofSizeBetween(0, 4);
        final Gen<Map<String, Lockout>> byAddress = maps().of(texts(), lockouts()).ofSizeBetween(0, 3);
        final Gen<Map<String, Factor>> factors = maps().of(texts(), factors()).ofSizeBetween(0, 2);
        final Gen<Contact> someContact = orNull(Generate.enumValues(Channel.class), 10)
                .zip(sealed(), orNull(texts(), 30), orNull(texts(), 30), Contact::new);
        final Gen<Contact> contact = orNull(someContact, 50);
        final Gen<Pair<Map<String, Factor>, Contact>> factorsAndContact = factors.zip(contact, Pair::of);
        return pending.zip(sends, lockouts(), byAddress, factorsAndContact,
                (p, s, l, a, fc) -> new UserState(p, s, l, a, fc._1, fc._2));
    }

    private static Gen<PendingOtp> pendingOtps() {
        final Gen<LinkState> link = texts().zip(integers().between(0, 50), orNull(tokens(), 50), booleans().all(),
                LinkState::new);
        final Gen<LinkState> links = orNull(link, 70);
        return fields(List.of(tokens(), tokens(), orNull(texts(), 10),
                orNull(Generate.enumValues(Channel.class), 10), orNull(texts(), 10), times(), times(),
                integers().between(-1, 1000), booleans().all(),
                booleans().all(), integers().between(0, 999), tokens(),
                orNull(texts(), 50), orNull(texts(), 70), links))
                .map(f -> new PendingOtp((String) f.get(0), (String) f.get(1), (String) f.get(2),
                        (Channel) f.get(3), (String) f.get(4), (Long) f.get(5), (Long) f.get(6), (Integer) f.get(7),
                        (Boolean) f.get(8), (Boolean) f.get(9), (Integer) f.get(10), (String) f.get(11),
                        (String) f.get(12), (String) f.get(13), (LinkState) f.get(14)));
    }

    private static Gen<Lockout> lockouts() {
        return lists().of(times()).ofSizeBetween(0, 6).zip(integers().between(0, 20), times(), times(),
                Lockout::new);
    }

    private static Gen<Factor> factors() {
        return fields(List.of(Generate.enumValues(FactorType.class), booleans().all(),
                orNull(sealed(), 10), orNull(texts(), 10), integers().between(6, 8),
                integers().between(15, 120), longs().between(-1, Long.MAX_VALUE / 2),
                longs().between(0, 1L << 40), times()))
                .map(f -> new Factor((FactorType) f.get(0), (Boolean) f.get(1), (SealedBox) f.get(2),
                        (String) f.get(3), (Integer) f.get(4), (Integer) f.get(5), (Long) f.get(6), (Long) f.get(7),
                        (Long) f.get(8)));
    }

    /**
     * One value of each of {@code gens}, in order: the list form of a combination, for records with more fields
     * than {@link Gen#zip} takes.
     */
    private static Gen<List<Object>> fields(final List<Gen<?>> gens) {
        return random -> {
            final List<Object> values = new ArrayList<>(gens.size());
            for (Gen<?> gen : gens) {
                values.add(gen.generate(random));
            }
            return values;
        };
    }

    /** {@code gen}, or {@code null} {@code percent} times in 100. */
    private static <T> Gen<T> orNull(final Gen<T> gen, final int percent) {
        final Gen<T> none = random -> null;
        return gen.mix(none, percent);
    }

    private static Gen<SealedBox> sealed() {
        return texts().zip(tokens(), tokens(), SealedBox::new);
    }

    /** Epoch milliseconds, and the edges: 0, negative, the largest. */
    @SuppressWarnings("unchecked")
    private static Gen<Long> times() {
        return Generate.oneOf(longs().between(1_700_000_000_000L, 1_900_000_000_000L),
                Generate.pick(List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE)));
    }

    /** Strings of every shape the format has a short form for, near misses of those shapes, and plain text. */
    @SuppressWarnings("unchecked")
    private static Gen<String> tokens() {
        final Gen<String> uuids = longs().all().zip(longs().all(), UserStateSerdeTest::randomUuid);
        final Gen<String> upperUuids = uuids.map(u -> u.toUpperCase());
        final Gen<String> padded = integers().between(1, 48).map(UserStateSerdeTest::base64);
        final Gen<String> unpadded = integers().between(1, 48).map(n -> base64(n).replace("=", ""));
        final Gen<String> keyed = texts().zip(integers().between(1, 40), (k, n) -> k + ":" + base64(n));
        final Gen<String> nearMisses = Generate.pick(List.of("", ":", "p1:", ":AAAA", "AAA=", "AA==", "A==="));
        return orNull(Generate.oneOf(uuids, upperUuids, padded, unpadded, keyed, nearMisses, texts()), 10);
    }

    /**
     * A UUID as {@link UUID#randomUUID} shapes it (version 4, IETF variant), its random bits from {@code msb} and
     * {@code lsb}: drawn from the property's seed, not from a random source of its own.
     */
    private static String randomUuid(final long msb, final long lsb) {
        return new UUID((msb & ~0xf000L) | 0x4000L, (lsb & 0x3fffffffffffffffL) | 0x8000000000000000L).toString();
    }

    /** Any well-formed Unicode text, from ASCII to characters outside the Basic Multilingual Plane. */
    @SuppressWarnings("unchecked")
    private static Gen<String> texts() {
        return Generate.oneOf(
                strings().ascii().ofLengthBetween(0, 20),
                strings().betweenCodePoints(0xa0, 0xd7ff).ofLengthBetween(0, 10),
                Generate.pick(List.of("😀", "a😀b", "", "null", "{", "https://app/cb\udc00x", "\ud800", "a\ud83d", "\ude00b")));
    }

    private static String base64(final int bytes) {
        final byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (i * 37 + bytes);
        }
        return Base64.getEncoder().encodeToString(b);
    }
}
