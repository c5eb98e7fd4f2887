package io.otppipeline.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.notifier.provider.EmailMessage;
import org.junit.jupiter.api.Test;

/** The notifier's templates: rendered per locale and purpose, their cache bounded (issue 32). */
class MessageTemplatesTest {

    @Test
    void shouldKeepCacheBoundedWhenCallersAskForManyLocalesAndPurposes() {
        final MessageTemplates templates = new MessageTemplates(null, "en", false);

        for (int i = 0; i < 3_000; i++) {
            final EmailMessage mail = templates.email(new MessageTemplates.Context("otp-" + i, "acme",
                    "purpose_" + i, "en-X" + Integer.toString(i, 36), "a@example.com", "123456", 5));
            assertThat(mail.subject()).as("the default texts answer an unknown locale and purpose").isNotBlank();
        }

        assertThat(templates.cachedNames()).isLessThanOrEqualTo(MessageTemplates.CACHED_NAMES);
    }
}
