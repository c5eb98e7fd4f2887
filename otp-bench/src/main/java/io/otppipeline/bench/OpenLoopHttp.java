package io.otppipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Path (b): an open-loop load generator in the manner of wrk2. Request {@code i} is due at
 * {@code start + i / rate}, and its latency is measured from when it was due, not from when it was sent, so a
 * stalled server shows up in the percentiles instead of slowing the generator down (no coordinated omission,
 * Gil Tene's term). At most {@link #CONNECTIONS} requests are in flight, like a backend's HTTP connection pool:
 * a due request waits for a free connection and that wait counts in its latency.
 *
 * <p>The first version let the JDK client open a connection per request in flight: once a server fell behind,
 * thousands of connections (7,100 seen with {@code ss}) made both servers spend their CPU in Jetty's connection
 * handling (JFR) and both collapsed at a few hundred requests per second.
 */
final class OpenLoopHttp implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Requests in flight at most (connections of the client's pool). */
    static final int CONNECTIONS = 256;

    private final Semaphore connections = new Semaphore(CONNECTIONS);
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(executor).connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey;

    OpenLoopHttp(final String apiKey) {
        this.apiKey = apiKey;
    }

    /**
     * Sends {@code rate * seconds} POSTs at a fixed rate and waits for their answers.
     *
     * @param url the route, for example {@code http://127.0.0.1:8080/v1/otp/verify}
     * @param body JSON body of request {@code i}
     * @param rate requests per second
     * @param seconds how long to send, in seconds
     * @return the run's measurement; decision = HTTP status, with the JSON {@code status} for 200 and 201
     */
    Measurement run(final String url, final IntFunction<String> body, final int rate, final int seconds)
            throws InterruptedException {
        final Measurement m = new Measurement();
        final int n = rate * seconds;
        final List<CompletableFuture<Void>> answers = new ArrayList<>(n);
        final URI uri = URI.create(url);
        final long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            final long due = start + (long) (i * 1e9 / rate);
            final HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build();
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            m.started(due);
            connections.acquire();
            answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> {
                        final long end = System.nanoTime();
                        connections.release();
                        if (error != null) {
                            m.failed(end, rootCause(error).getClass().getSimpleName());
                        } else if (response.statusCode() >= 500) {
                            m.failed(end, Integer.toString(response.statusCode()));
                        } else {
                            m.completed(due, end, decision(response));
                        }
                        return null;
                    }));
        }
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .get(REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("answers did not arrive", e);
        }
        return m;
    }

    private static Throwable rootCause(final Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String decision(final HttpResponse<String> response) {
        final int status = response.statusCode();
        if (status != 200 && status != 201) {
            return Integer.toString(status);
        }
        try {
            final JsonNode json = Json.mapper().readTree(response.body());
            return json.path("status").asText(Integer.toString(status));
        } catch (IOException e) {
            return Integer.toString(status);
        }
    }

    /** Whether {@code url} answers 200 to a GET (readiness probes). */
    boolean isOk(final String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
