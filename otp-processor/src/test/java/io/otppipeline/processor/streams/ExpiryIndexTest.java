package io.otppipeline.processor.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.otppipeline.processor.domain.Digits;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The index keys' zero-padded times: the same digits {@code String.format} gave, so stored keys keep their order.
 * A failing property prints its seed ("Seed was N"); {@code -DQT_SEED=N} replays it.
 */
class ExpiryIndexTest {

    @Test
    void shouldPadLikeStringFormatWhenTimeHasAnyNumberOfDigits() {
        qt().withExamples(1000)
                .forAll(longs().all(), integers().between(1, 20))
                .checkAssert((value, digits) -> assertThat(Digits.zeroPadded(value, digits))
                        .isEqualTo(String.format(Locale.ROOT, "%0" + digits + "d", value)));
    }

    @Test
    void shouldSortKeysByDeadlineWhenComparedAsStrings() {
        qt().withExamples(300)
                .forAll(longs().between(0, 9_999_999_999_999L), longs().between(0, 9_999_999_999_999L))
                .checkAssert((a, b) -> {
                    final int byString = Integer.signum(ExpiryIndex.key(a, ExpiryIndex.USER, "t:u")
                            .compareTo(ExpiryIndex.key(b, ExpiryIndex.USER, "t:u")));

                    assertThat(byString).isEqualTo(Long.signum(a - b));
                });
    }
}
