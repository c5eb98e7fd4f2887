package io.otppipeline.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.command.Channel;
import org.junit.jupiter.api.Test;

/** {@link DestinationMask#mask}: shows the ends, hides the rest, and never splits a character. */
class DestinationMaskTest {

    @Test
    void shouldKeepEmojiWholeWhenAddressStartsWithOne() {
        assertThat(DestinationMask.mask(Channel.EMAIL, "\ud83d\ude00bc@example.com")).isEqualTo("\ud83d\ude00***c@example.com");
        assertThat(DestinationMask.mask(Channel.EMAIL, "ab\ud83d\ude00@example.com")).isEqualTo("a***\ud83d\ude00@example.com");
    }

    @Test
    void shouldShowFirstAndLastCharacterWhenAddressIsPlain() {
        assertThat(DestinationMask.mask(Channel.EMAIL, "alice@example.com")).isEqualTo("a***e@example.com");
    }

    @Test
    void shouldShowCallingCodeAndLastTwoDigitsWhenNumberIsPhone() {
        assertThat(DestinationMask.mask(Channel.SMS, "+14155550123")).isEqualTo("+1********23");
        assertThat(DestinationMask.mask(Channel.SMS, "+447946095812")).isEqualTo("+44********12");
        assertThat(DestinationMask.mask(Channel.SMS, "+0000")).as("a number with no calling code").isEqualTo("+**00");
    }
}
