package io.otppipeline.notifier.provider;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.util.StreamProvider;
import org.eclipse.angus.mail.util.MailStreamProvider;
import org.junit.jupiter.api.Test;

/** Jakarta Mail finds its stream provider by name once {@link MailStreams} pinned it, not by scanning jars. */
class MailStreamsTest {

    @Test
    void shouldNameAngusStreamProviderWhenPinned() {
        MailStreams.pinProvider();

        assertThat(System.getProperty(MailStreams.PROPERTY)).isEqualTo(MailStreamProvider.class.getName());
        assertThat(StreamProvider.provider()).as("the class the property names loads and is the provider")
                .isInstanceOf(MailStreamProvider.class);
    }
}
