package io.otppipeline.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.Digits;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The index keys' zero-padded times: the same digits {@code String.format} gave, so stored keys keep their order. */
class ExpiryIndexTest {

    @Property(tries = 1000)
    void shouldPadLikeStringFormatWhenTimeHasAnyNumberOfDigits(@ForAll final long value,
                                                               @ForAll @IntRange(min = 1, max = 20) final int digits) {
        assertThat(Digits.zeroPadded(value, digits))
                .isEqualTo(String.format(Locale.ROOT, "%0" + digits + "d", value));
    }

    @Property(tries = 300)
    void shouldSortKeysByDeadlineWhenComparedAsStrings(@ForAll @LongRange(min = 0, max = 9_999_999_999_999L) final long a,
                                                       @ForAll @LongRange(min = 0, max = 9_999_999_999_999L) final long b) {
        final int byString = Integer.signum(ExpiryIndex.key(a, ExpiryIndex.USER, "t:u")
                .compareTo(ExpiryIndex.key(b, ExpiryIndex.USER, "t:u")));

        assertThat(byString).isEqualTo(Long.signum(a - b));
    }
}
