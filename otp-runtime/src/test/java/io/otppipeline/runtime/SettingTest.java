package io.otppipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.SettingCatalog;
import io.otppipeline.runtime.config.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingTest {

    private static final Setting<Long> LIMIT = Setting.integer("svc.send.limit", 3, "count", "codes per window")
            .check(Setting.between(1, 100), "between 1 and 100");
    private static final Setting<Long> PER_PURPOSE = LIMIT.renamed("svc.purpose.<purpose>.send.limit");
    private static final Setting<String> URL = Setting.string("svc.url", null, "where").required();

    @Test
    void shouldReadDefaultWhenUnsetAndValueWhenSet() {
        assertThat(LIMIT.read(Settings.of(Map.of()))).isEqualTo(3L);
        assertThat(LIMIT.read(Settings.of(Map.of("svc.send.limit", "7")))).isEqualTo(7L);
        assertThat(PER_PURPOSE.read(Settings.of(Map.of("svc.purpose.login.send.limit", "5")), "login", 3L))
                .isEqualTo(5L);
        assertThat(PER_PURPOSE.read(Settings.of(Map.of()), "login", 9L)).isEqualTo(9L);
    }

    @Test
    void shouldNameKeyAndRuleWhenValueBreaksIt() {
        assertThatThrownBy(() -> LIMIT.read(Settings.of(Map.of("svc.send.limit", "0"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("setting svc.send.limit must be between 1 and 100: 0");
        assertThatThrownBy(() -> URL.read(Settings.of(Map.of()))).hasMessage("missing setting svc.url");
    }

    @Test
    void shouldMatchOnePlaceholderSegmentWhenNameIsATemplate() {
        assertThat(PER_PURPOSE.matches("svc.purpose.password_reset.send.limit")).isTrue();
        assertThat(PER_PURPOSE.matches("svc.purpose.a.b.send.limit")).isFalse();
        assertThat(PER_PURPOSE.matches("svc.purpose.login.send.limits")).isFalse();
        assertThat(PER_PURPOSE.key("step_up")).isEqualTo("svc.purpose.step_up.send.limit");
        assertThat(LIMIT.matches("svcXsend.limit")).as("dots are literal").isFalse();
    }

    @Test
    void shouldWarnOrRefuseUnknownKeysWhenCatalogIsChecked() {
        final SettingCatalog catalog = new SettingCatalog("svc", List.of("svc."), List.of("svc.purpose."),
                List.of(LIMIT, PER_PURPOSE, URL), List.of("svc.client."));
        final Settings settings = Settings.of(Map.of("svc.send.limt", "2", "svc.client.anything", "x",
                "other.key", "y", "svc.purpose.login.send.limit", "4"));
        assertThat(catalog.unknown(settings)).containsExactly("svc.send.limt");
        catalog.check(settings); // only warns: svc.send.limt is outside the strict namespace
        assertThatThrownBy(() -> catalog.check(Settings.of(Map.of("svc.purpose.login.send.limt", "4"))))
                .hasMessageContaining("svc.purpose.login.send.limt (did you mean svc.purpose.<purpose>.send.limit?)");
    }
}
