package io.otppipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A migration that has run somewhere is never edited, not even a comment: Flyway validates each applied migration's
 * checksum on start, so an edited one stops otp-audit on every existing database ("Migration checksum mismatch").
 * A change to the schema is a new version. When adding one, pin its SHA-256 here.
 */
class ShippedMigrationsTest {

    private static final Path MIGRATIONS = Path.of("src", "main", "resources", "db", "migration");

    private static final Map<String, String> SHIPPED = Map.of(
            "V1__audit_events.sql", "f6f6c6600c11a20fb38a289231decd9c47ec47d12f6a435f0d1330262196cf66",
            "V2__hash_chain_append_only.sql", "0a15741e3596f70a0acbe114e6eeb5d74d225420f78d0984c0f3f65e05ada517");

    @Test
    void shouldKeepEveryShippedMigrationByteForByteWhenTheSchemaChanges() throws Exception {
        final Map<String, String> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql")).toList()) {
                found.put(file.getFileName().toString(), sha256(file));
            }
        }
        assertThat(found).as("every migration pinned, none edited (add a new version instead)")
                .containsExactlyInAnyOrderEntriesOf(SHIPPED);
    }

    private static String sha256(final Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
