package io.otppipeline.notifier.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HttpCallsTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldReadRetryAfterWhenGivenAsSecondsOrHttpDate() {
        assertThat(HttpCalls.retryAfter("7", clock)).isEqualTo(Duration.ofSeconds(7));
        assertThat(HttpCalls.retryAfter("Sat, 21 Nov 2026 09:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpCalls.retryAfter("Sat, 21 Nov 2026 08:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(HttpCalls.retryAfter("soon", clock)).isNull();
        assertThat(HttpCalls.retryAfter(null, clock)).isNull();
    }

    @Test
    void shouldClassifyStatusesWhenProviderAnswersWithAnError() {
        assertThat(HttpCalls.failure(429, "3", "p", clock).disposition()).isEqualTo(SendException.Disposition.RETRY);
        assertThat(HttpCalls.failure(429, "3", "p", clock).retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(HttpCalls.failure(503, null, "p", clock).disposition())
                .isEqualTo(SendException.Disposition.RETRY);
        assertThat(HttpCalls.failure(408, null, "p", clock).disposition())
                .isEqualTo(SendException.Disposition.RETRY);
        assertThat(HttpCalls.failure(403, null, "p", clock).disposition())
                .isEqualTo(SendException.Disposition.NEXT_PROVIDER);
        assertThat(HttpCalls.failure(400, null, "p", clock).disposition())
                .isEqualTo(SendException.Disposition.GIVE_UP);
        assertThat(HttpCalls.failure(422, null, "p", clock).reason()).isEqualTo("rejected");
    }
}
