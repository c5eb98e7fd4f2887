package io.otppipeline.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @Test
    void shouldResolveTenantWhenKeyIsRegistered(@TempDir final Path dir) throws Exception {
        final ApiKeys.Issued acme = ApiKeys.issue("acme-1", "acme");
        final ApiKeys.Issued other = ApiKeys.issue("other-1", "other");
        new ApiKeys(List.of(acme.entry(), other.entry())).write(dir.resolve("keys.json"));

        final ApiKeys loaded = ApiKeys.load(dir.resolve("keys.json"));

        assertThat(loaded.authenticate(acme.plaintext())).map(ApiKeys.Entry::tenant).hasValue("acme");
        assertThat(loaded.authenticate(other.plaintext())).map(ApiKeys.Entry::tenant).hasValue("other");
    }

    @Test
    void shouldStoreOnlyHashWhenKeysFileIsWritten(@TempDir final Path dir) throws Exception {
        final ApiKeys.Issued issued = ApiKeys.issue("acme-1", "acme");
        new ApiKeys(List.of(issued.entry())).write(dir.resolve("keys.json"));

        assertThat(Files.readString(dir.resolve("keys.json"))).doesNotContain(issued.plaintext())
                .contains(issued.entry().sha256());
    }

    @Test
    void shouldRefuseWhenKeyIsUnknownOrMissing() {
        final ApiKeys keys = new ApiKeys(List.of(ApiKeys.issue("acme-1", "acme").entry()));

        assertThat(keys.authenticate(ApiKeys.issue("acme-2", "acme").plaintext())).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
        assertThat(keys.authenticate("Bearer")).isEmpty();
    }

    @Test
    void shouldGrantAdminScopeOnlyToKeysIssuedWithIt(@TempDir final Path dir) throws Exception {
        final ApiKeys.Issued plain = ApiKeys.issue("acme-1", "acme");
        final ApiKeys.Issued admin = ApiKeys.issue("acme-admin", "acme", ApiKeys.ADMIN);
        new ApiKeys(List.of(plain.entry(), admin.entry())).write(dir.resolve("keys.json"));

        final ApiKeys loaded = ApiKeys.load(dir.resolve("keys.json"));

        assertThat(loaded.authenticate(admin.plaintext()).orElseThrow().hasScope(ApiKeys.ADMIN)).isTrue();
        assertThat(loaded.authenticate(plain.plaintext()).orElseThrow().hasScope(ApiKeys.ADMIN)).isFalse();
    }
}
