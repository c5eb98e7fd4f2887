package io.otppipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.crypto.SealedBoxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CryptoTest {

    private static final byte[] AAD = "command-1".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldOpenWhatItSealedWhenAssociatedDataMatches() {
        final Aead aead = new Aead(Keyring.generate("k1"));

        final SealedBox box = aead.seal("alice@example.com".getBytes(StandardCharsets.UTF_8), AAD);

        assertThat(new String(aead.open(box, AAD), StandardCharsets.UTF_8)).isEqualTo("alice@example.com");
        assertThat(box.ciphertext()).doesNotContain("alice");
    }

    @Test
    void shouldRefuseToOpenWhenAssociatedDataDiffers() {
        final Aead aead = new Aead(Keyring.generate("k1"));
        final SealedBox box = aead.seal(new byte[] {1, 2, 3}, AAD);

        assertThatThrownBy(() -> aead.open(box, "command-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SealedBoxException.class);
    }

    @Test
    void shouldOpenWithRetiredKeyWhenKeyringWasRotated() {
        final Keyring old = Keyring.generate("k1");
        final SealedBox box = new Aead(old).seal(new byte[] {42}, AAD);
        final Keyring rotated = new Keyring("k2", Map.of("k1", old.keys().get("k1"),
                "k2", Keyring.generate("k2").keys().get("k2")));

        assertThat(new Aead(rotated).open(box, AAD)).containsExactly(42);
        assertThat(new Aead(rotated).seal(new byte[] {1}, AAD).kid()).isEqualTo("k2");
    }

    @Test
    void shouldVerifyMacOnlyForSameParts() {
        final Mac mac = new Mac(Keyring.generate("p1"));
        final String tag = mac.sign("p1", "otp-1", "123456");

        assertThat(mac.verify("p1", tag, "otp-1", "123456")).isTrue();
        assertThat(mac.verify("p1", tag, "otp-1", "123457")).isFalse();
        assertThat(mac.verify("p1", tag, "otp-112", "3456")).isFalse();
        assertThat(mac.verify("retired", tag, "otp-1", "123456")).isFalse();
    }

    @Test
    void shouldWriteKeyringReadableByOwnerOnly(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("k.json");
        Keyring.generate("k1").write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Keyring.load(file).active()).isEqualTo("k1");
    }

    @Test
    void shouldNotRevealKeyWhenKeyringIsPrinted() {
        final Keyring keyring = Keyring.generate("k1");

        assertThat(keyring.toString()).doesNotContain(keyring.keys().get("k1"));
    }

    @Test
    void shouldDeriveStableDistinctSubkeysWhenLabelsDiffer() {
        final Keyring keyring = Keyring.generate("k1");

        final Keyring a = keyring.derive("otp-idempotency-v1");

        assertThat(a.active()).isEqualTo("k1");
        assertThat(a.key("k1")).hasSize(32).isEqualTo(keyring.derive("otp-idempotency-v1").key("k1"))
                .isNotEqualTo(keyring.key("k1")).isNotEqualTo(keyring.derive("other").key("k1"));
    }
}
