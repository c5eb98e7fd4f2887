package io.otppipeline.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@value #RATE} code requests per second, each for a new user {@code <prefix><n>}, started on {@code load};
 * every answer is kept by request number ({@code -1} in {@link #statusByRequest} when none came).
 */
final class SteadyLoad {

    /** Requests per second. */
    static final int RATE = 10;

    final AtomicInteger sent = new AtomicInteger();
    final Map<Integer, Integer> statusByRequest = new ConcurrentHashMap<>();
    final Map<Integer, HttpResponse<String>> answers = new ConcurrentHashMap<>();
    final Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
    final String prefix;

    SteadyLoad(final ScheduledExecutorService load, final int apiPort, final String apiKey, final String prefix) {
        this.prefix = prefix;
        final HttpClient http = HttpClient.newHttpClient();
        load.scheduleAtFixedRate(() -> {
            final int n = sent.getAndIncrement();
            sentAt.put(n, System.nanoTime());
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/otp"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + apiKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + prefix + n + "\",\"channel\":"
                            + "\"email\",\"destination\":\"" + prefix + n + "@example.test\",\"purpose\":\"login\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        if (r != null) {
                            answers.put(n, r);
                        }
                        statusByRequest.put(n, e == null ? r.statusCode() : -1);
                    });
        }, 0, 1000 / RATE, TimeUnit.MILLISECONDS);
    }
}
