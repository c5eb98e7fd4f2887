package io.otppipeline.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link SettingCatalog#distance}: the edit distance behind "did you mean …?". */
class SettingCatalogTest {

    @Test
    void shouldCountInsertionsDeletionsAndSubstitutionsWhenStringsDiffer() {
        assertThat(SettingCatalog.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(SettingCatalog.distance("sitting", "kitten")).isEqualTo(3);
        assertThat(SettingCatalog.distance("flaw", "lawn")).isEqualTo(2);
        assertThat(SettingCatalog.distance("", "abc")).isEqualTo(3);
        assertThat(SettingCatalog.distance("abc", "")).isEqualTo(3);
        assertThat(SettingCatalog.distance("otp.lockout.max.failures", "otp.lockout.max.failure")).isEqualTo(1);
        assertThat(SettingCatalog.distance("send.limit", "send.limt")).isEqualTo(1);
    }

    @Test
    void shouldBeZeroWhenStringsAreEqual() {
        assertThat(SettingCatalog.distance("", "")).isZero();
        assertThat(SettingCatalog.distance("api.port", "api.port")).isZero();
    }
}
