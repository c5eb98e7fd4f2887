package io.otppipeline.api.links;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the link pages record of a browser's user agent (issue 32: no control or bidi characters in events). */
class MagicLinkRoutesTest {

    @Test
    void shouldDropControlAndFormatCharactersWhenUserAgentIsRecorded() {
        final String hostile = "Mozilla/5.0 \u202Egnp.exe\u202C\u0085\u0007\u200B\u2066x\u2069\u00A0(\uD83D\uDE00)";

        assertThat(MagicLinkRoutes.printable(hostile)).isEqualTo("Mozilla/5.0 gnp.exex\u00A0(\uD83D\uDE00)");
        assertThat(MagicLinkRoutes.printable("a".repeat(600))).hasSize(512);
        assertThat(MagicLinkRoutes.printable(null)).isNull();
    }
}
