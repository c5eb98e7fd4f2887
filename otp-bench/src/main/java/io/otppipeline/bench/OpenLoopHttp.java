package io.otppipeline.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Path (b): an open-loop load generator in the manner of wrk2. Request {@code i} is due at
 * {@code start + i / rate}, and its latency is measured from when it was due, not from when it was sent, so a
 * stalled server shows up in the percentiles instead of slowing the generator down (no coordinated omission,
 * Gil Tene's term). At most {@link #CONNECTIONS} requests are in flight, like a backend's HTTP connection pool:
 * a due request waits in the client's queue for a free connection and that wait counts in its latency.
 *
 * <p>The client is Jetty's asynchronous {@link HttpClient} (the Jetty that Javalin already brings): one selector
 * thread and a small pool, no thread per request, no blocking of the sending thread. It replaced the JDK's
 * {@code java.net.http.HttpClient}, which with the reply readers of {@link StreamsDriver} (then always reading)
 * cost the driver half a core at 1,000 requests/s (docs/BENCHMARKS.md, issue 14).
 *
 * <p>The first version let the JDK client open a connection per request in flight: once a server fell behind,
 * thousands of connections (7,100 seen with {@code ss}) made both servers spend their CPU in Jetty's connection
 * handling (JFR) and both collapsed at a few hundred requests per second.
 */
final class OpenLoopHttp implements AutoCloseable {

    /** Seconds a request may take, queueing for a connection included, before it counts as an error. */
    private static final long REQUEST_TIMEOUT_SECONDS = 30;

    /** Requests in flight at most (connections of the client's pool). */
    static final int CONNECTIONS = 256;

    /** Milliseconds a pooled connection may stay idle: below both servers' idle timeouts. */
    private static final long IDLE_TIMEOUT_MS = 5_000;

    /** Largest response body read, in bytes (replies are a few hundred). */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpClient client;
    private final String authorization;

    OpenLoopHttp(final String apiKey) {
        this.authorization = "Bearer " + apiKey;
        final QueuedThreadPool threads = new QueuedThreadPool(4, 2);
        threads.setName("bench-http");
        threads.setDaemon(true);
        client = new HttpClient(new HttpClientTransportOverHTTP(1));
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(CONNECTIONS);
        client.setMaxRequestsQueuedPerDestination(Integer.MAX_VALUE);
        client.setConnectTimeout(5_000);
        // close idle connections before the servers do (otp-api: api.idle.timeout.ms, 10 s): a request sent on a
        // connection the server is closing at that moment failed with EOFException (1 of 3,750 in a run)
        client.setIdleTimeout(IDLE_TIMEOUT_MS);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP client did not start", e);
        }
    }

    /**
     * Sends {@code rate * seconds} POSTs at a fixed rate and waits for their answers.
     *
     * @param url the route, for example {@code http://127.0.0.1:8080/v1/otp/verify}
     * @param body JSON body of request {@code i}
     * @param rate requests per second
     * @param seconds how long to send, in seconds
     * @return the run's measurement; decision = HTTP status, with the JSON {@code status} for 200 and 201
     * @throws IllegalStateException if answers are still missing a minute after the last request was due
     */
    Measurement run(final String url, final IntFunction<String> body, final int rate, final int seconds)
            throws InterruptedException {
        final Measurement m = new Measurement();
        final int n = rate * seconds;
        final CountDownLatch answered = new CountDownLatch(n);
        final long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            final long due = start + (long) (i * 1e9 / rate);
            final Request request = client.newRequest(url).method(HttpMethod.POST)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization))
                    .body(new StringRequestContent("application/json", body.apply(i)))
                    .timeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            m.started(due);
            request.send(new BufferingResponseListener(MAX_BODY_BYTES) {
                @Override
                public void onComplete(final Result result) {
                    final long end = System.nanoTime();
                    try {
                        if (result.isFailed()) {
                            m.failed(due, end, rootCause(result.getFailure()).getClass().getSimpleName());
                        } else if (result.getResponse().getStatus() >= 500) {
                            m.failed(due, end, Integer.toString(result.getResponse().getStatus()));
                        } else {
                            m.completed(due, end, decision(result.getResponse().getStatus(), getContent()));
                        }
                    } finally {
                        answered.countDown();
                    }
                }
            });
        }
        if (!answered.await(REQUEST_TIMEOUT_SECONDS + 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(answered.getCount() + " answers did not arrive");
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

    /** The HTTP status, or for 200 and 201 the body's top-level {@code status}, read with Jackson's streaming parser. */
    private static String decision(final int status, final byte[] body) {
        if (status != 200 && status != 201) {
            return Integer.toString(status);
        }
        try (JsonParser parser = Json.mapper().getFactory().createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                    final String field = parser.currentName();
                    final JsonToken value = parser.nextToken();
                    if ("status".equals(field) && value == JsonToken.VALUE_STRING) {
                        return parser.getText();
                    }
                    parser.skipChildren();
                }
            }
            return Integer.toString(status);
        } catch (IOException e) {
            return Integer.toString(status);
        }
    }

    /** Whether {@code url} answers 200 to a GET within 2 seconds (readiness probes). */
    boolean isOk(final String url) {
        try {
            return client.newRequest(url).timeout(2, TimeUnit.SECONDS).send().getStatus() == 200;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP client did not stop", e);
        }
    }
}
