package io.otppipeline.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Example;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The user state store's binary format ({@link UserStateSerde}): every state reads back equal, strings of any
 * shape character for character; states written as JSON by earlier versions are still read; the format stays
 * within issue 14's budget of 256 bytes per active user.
 */
class UserStateSerdeTest {

    private final UserStateSerde serde = new UserStateSerde();

    @Property(tries = 500)
    void shouldReadBackEqualStateWhenWrittenInBinaryFormat(@ForAll("states") final UserState state) {
        final byte[] bytes = serde.serialize("t", state);

        assertThat(bytes[0]).isEqualTo(UserStateSerde.FORMAT_1);
        assertThat(serde.deserialize("t", bytes)).isEqualTo(state);
    }

    @Property(tries = 300)
    void shouldRefuseWithoutEchoingBytesWhenValueIsGarbage(@ForAll final byte[] garbage) {
        final byte[] value = new byte[garbage.length + 1];
        value[0] = UserStateSerde.FORMAT_1;
        System.arraycopy(garbage, 0, value, 1, garbage.length);
        try {
            serde.deserialize("t", value);
        } catch (SerializationException e) {
            assertThat(e.getMessage()).startsWith("record is not a valid UserState");
        }
    }

    /** A map key written as {@code null} (length 0): corrupt, refused as such, not a NullPointerException. */
    @Example
    void shouldRefuseWhenMapKeyIsNull() {
        final byte[] value = new byte[16];
        value[0] = UserStateSerde.FORMAT_1;
        value[1] = 1;

        assertThatThrownBy(() -> serde.deserialize("t", value))
                .isInstanceOf(SerializationException.class).hasMessageStartingWith("record is not a valid UserState");
    }

    @Example
    void shouldRefuseWhenFormatByteIsUnknown() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {9, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown format");
    }

    /** A state as version 0.1 wrote it to the changelog (JSON), before the binary format. */
    @Example
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
    @Example
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

    @Example
    void shouldKeepEnumerationOrderWhenStatesStoreOrdinals() {
        assertThat(Channel.values()).containsExactly(Channel.EMAIL, Channel.SMS);
        assertThat(FactorType.values()).containsExactly(FactorType.TOTP, FactorType.HOTP);
    }

    @Provide
    Arbitrary<UserState> states() {
        final Arbitrary<String> purposes = Arbitraries.of("login", "password_reset", "step_up", "x");
        final Arbitrary<Map<String, PendingOtp>> pending = Arbitraries.maps(purposes, pendingOtps()).ofMaxSize(3);
        final Arbitrary<List<SendRecord>> sends = Combinators.combine(purposes, times())
                .as(SendRecord::new).list().ofMaxSize(4);
        final Arbitrary<Map<String, Lockout>> byAddress = Arbitraries.maps(texts(), lockouts()).ofMaxSize(3);
        final Arbitrary<Map<String, Factor>> factors = Arbitraries.maps(texts(), factors()).ofMaxSize(2);
        final Arbitrary<Contact> contact = Combinators.combine(Arbitraries.of(Channel.class).injectNull(0.1),
                sealed(), texts().injectNull(0.3), texts().injectNull(0.3)).as(Contact::new).injectNull(0.5);
        return Combinators.combine(pending, sends, lockouts(), byAddress, factors, contact).as(UserState::new);
    }

    private Arbitrary<PendingOtp> pendingOtps() {
        final Arbitrary<LinkState> links = Combinators.combine(texts(), Arbitraries.integers().between(0, 50),
                tokens().injectNull(0.5)).as(LinkState::new).injectNull(0.7);
        return Combinators.combine(List.of(o(tokens()), o(tokens()), o(texts().injectNull(0.1)),
                o(Arbitraries.of(Channel.class).injectNull(0.1)), o(texts().injectNull(0.1)), o(times()), o(times()),
                o(Arbitraries.integers().between(-1, 1000)), o(Arbitraries.of(true, false)),
                o(Arbitraries.of(true, false)), o(Arbitraries.integers().between(0, 999)), o(tokens()),
                o(texts().injectNull(0.5)), o(texts().injectNull(0.7)), o(links))).as(f -> new PendingOtp((String) f.get(0), (String) f.get(1), (String) f.get(2),
                        (Channel) f.get(3), (String) f.get(4), (Long) f.get(5), (Long) f.get(6), (Integer) f.get(7),
                        (Boolean) f.get(8), (Boolean) f.get(9), (Integer) f.get(10), (String) f.get(11),
                        (String) f.get(12), (String) f.get(13), (LinkState) f.get(14)));
    }

    private Arbitrary<Lockout> lockouts() {
        return Combinators.combine(times().list().ofMaxSize(6), Arbitraries.integers().between(0, 20), times(),
                times()).as(Lockout::new);
    }

    private Arbitrary<Factor> factors() {
        return Combinators.combine(List.of(o(Arbitraries.of(FactorType.class)), o(Arbitraries.of(true, false)),
                o(sealed().injectNull(0.1)), o(texts().injectNull(0.1)), o(Arbitraries.integers().between(6, 8)),
                o(Arbitraries.integers().between(15, 120)), o(Arbitraries.longs().between(-1, Long.MAX_VALUE / 2)),
                o(Arbitraries.longs().between(0, 1L << 40)), o(times())))
                .as(f -> new Factor((FactorType) f.get(0), (Boolean) f.get(1), (SealedBox) f.get(2),
                        (String) f.get(3), (Integer) f.get(4), (Integer) f.get(5), (Long) f.get(6), (Long) f.get(7),
                        (Long) f.get(8)));
    }

    /** {@code a} as an arbitrary of objects, for the list form of {@link Combinators#combine}. */
    private static Arbitrary<Object> o(final Arbitrary<?> a) {
        return a.map(x -> (Object) x);
    }

    private Arbitrary<SealedBox> sealed() {
        return Combinators.combine(texts(), tokens(), tokens()).as(SealedBox::new);
    }

    /** Epoch milliseconds, and the edges: 0, negative, the largest. */
    private static Arbitrary<Long> times() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1_700_000_000_000L, 1_900_000_000_000L),
                Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
    }

    /** Strings of every shape the format has a short form for, near misses of those shapes, and plain text. */
    private static Arbitrary<String> tokens() {
        return Arbitraries.oneOf(
                Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.create(() -> UUID.randomUUID().toString().toUpperCase()),
                Arbitraries.integers().between(1, 48).map(UserStateSerdeTest::base64),
                Arbitraries.integers().between(1, 48).map(n -> base64(n).replace("=", "")),
                Combinators.combine(texts(), Arbitraries.integers().between(1, 40)).as((k, n) -> k + ":" + base64(n)),
                Arbitraries.of("", ":", "p1:", ":AAAA", "AAA=", "AA==", "A==="),
                texts()).injectNull(0.1);
    }

    /** Any well-formed Unicode text, from ASCII to characters outside the Basic Multilingual Plane. */
    private static Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofMaxLength(10),
                Arbitraries.of("😀", "a😀b", "", "null", "{", "https://app/cb\udc00x", "\ud800", "a\ud83d", "\ude00b"));
    }

    private static String base64(final int bytes) {
        final byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (i * 37 + bytes);
        }
        return Base64.getEncoder().encodeToString(b);
    }
}
