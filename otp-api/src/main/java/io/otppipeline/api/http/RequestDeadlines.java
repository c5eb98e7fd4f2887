package io.otppipeline.api.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines for a request's headers and its whole body (slowloris). A connection that started sending a request's
 * headers (after opening, or after answering its previous request) and has not completed them within about
 * {@code api.request.header.timeout.ms} (at most twice it) is closed; an idle kept-alive connection, which sent
 * nothing, is left to Jetty's idle timeout; so is the connection of a request whose body has not arrived in full within
 * {@code api.request.body.timeout.ms} of its headers, without an answer, and the request goes no further. Jetty's
 * idle timeout restarts on every byte and does not cut a client in the middle of a body (it only fails the pending
 * read, and the body is answered 400 if it ever completes), so without these a client that sends a byte every few
 * seconds keeps its connection for hours (docs/RELIABILITY.md). Jetty has no such deadlines of its own: its minimum
 * data rate is checked only on the servlet's reads of a body {@code EagerContentHandler} already holds, and its
 * {@code MinimumDataRateHandler} divides the bytes of all requests by the time of one.
 *
 * <p>{@link #connections()} is a connection listener: it notes each connection as it opens. Two handlers share the
 * requests being loaded: {@link #watch()} goes before {@code EagerContentHandler}, forgets the connection's header
 * wait and notes the request when its headers arrive (and the connection's next header wait when it is answered);
 * {@link #arrived()} goes after it and forgets the request once its body is complete (at once for a request without
 * one). A single thread looks every quarter of the shorter deadline (at most every second) for waits past their
 * deadline, so a request costs a few map operations, not a timer.
 */
public final class RequestDeadlines implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);
    private static final String ATTRIBUTE = RequestDeadlines.class.getName();
    private static final String BODY_PAST_DEADLINE = "request body not complete within the deadline";
    private static final String HEADERS_PAST_DEADLINE = "request headers not complete within the deadline";

    /**
     * A wait: for a request's headers (key: the connection's end point; {@code connection} and the bytes it had
     * read when the wait began are kept) or for its body (key: a token of the request; {@code connection} null), on
     * a connection, until a deadline ({@link System#nanoTime()}).
     */
    private record Waiting(EndPoint endPoint, Connection connection, long bytesIn, long deadlineNanos,
                           String reason) {
    }

    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final Map<Object, Waiting> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "otp-api-request-deadlines");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param headerTimeoutMs the longest a connection may take to send a request's headers, in milliseconds
     *     ({@link ConnectionLimits#HEADER_TIMEOUT_MS})
     * @param bodyTimeoutMs the longest a whole request body may take to arrive after its headers, in milliseconds
     */
    public RequestDeadlines(final long headerTimeoutMs, final long bodyTimeoutMs) {
        this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
        this.bodyTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMs);
        final long periodMs = Math.max(10, Math.min(1000, Math.min(headerTimeoutMs, bodyTimeoutMs) / 4));
        sweeper.scheduleWithFixedDelay(this::closeOverdue, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** The listener to add to the server's connectors: each new connection waits for its first request's headers. */
    public Connection.Listener connections() {
        return new Connection.Listener() {
            @Override
            public void onOpened(final Connection connection) {
                awaitHeaders(connection);
            }

            @Override
            public void onClosed(final Connection connection) {
                waiting.remove(connection.getEndPoint());
            }
        };
    }

    private void awaitHeaders(final Connection connection) {
        final EndPoint endPoint = connection.getEndPoint();
        if (endPoint.isOpen()) {
            waiting.put(endPoint, new Waiting(endPoint, connection, connection.getBytesIn(),
                    System.nanoTime() + headerTimeoutNanos, HEADERS_PAST_DEADLINE));
        }
    }

    /**
     * The handler that notes each request as its headers arrive (the connection's header wait ends, its body's
     * begins); put it before {@code EagerContentHandler}.
     */
    public Handler.Wrapper watch() {
        return new Handler.Wrapper() {
            @Override
            public boolean handle(final Request request, final Response response, final Callback callback)
                    throws Exception {
                final Connection connection = request.getConnectionMetaData().getConnection();
                final EndPoint endPoint = connection.getEndPoint();
                waiting.remove(endPoint);
                final Object token = new Object();
                waiting.put(token, new Waiting(endPoint, null, 0, System.nanoTime() + bodyTimeoutNanos,
                        BODY_PAST_DEADLINE));
                request.setAttribute(ATTRIBUTE, token);
                // forgotten when the request ends, whether or not its body ever arrived; then the connection
                // waits for the next request's headers
                final Callback forget = Callback.from(callback, () -> {
                    waiting.remove(token);
                    awaitHeaders(connection);
                });
                try {
                    final boolean handled = super.handle(request, response, forget);
                    if (!handled) {
                        waiting.remove(token);
                    }
                    return handled;
                } catch (Exception | Error e) {
                    waiting.remove(token);
                    throw e;
                }
            }
        };
    }

    /**
     * The handler that forgets a request whose body is complete; put it after {@code EagerContentHandler}. A request
     * the deadline already cut (its connection closed, which {@code EagerContentHandler} sees as the end of the
     * body) stops here: no route runs for it, so nothing is published for a client that gets no answer.
     */
    public Handler.Wrapper arrived() {
        return new Handler.Wrapper() {
            @Override
            public boolean handle(final Request request, final Response response, final Callback callback)
                    throws Exception {
                final Object token = request.getAttribute(ATTRIBUTE);
                if (token != null && waiting.remove(token) == null) {
                    callback.failed(new TimeoutException(BODY_PAST_DEADLINE));
                    return true;
                }
                return super.handle(request, response, callback);
            }
        };
    }

    /**
     * Closes every connection whose wait (for headers, or for a request's body) is past its deadline. A connection
     * that read no byte since its header wait began is idle, not slow: a kept-alive connection between requests,
     * which Jetty's idle timeout closes; its wait starts again, so that a client trickling the next request's headers
     * is closed within two header deadlines of its first byte. An exception closing one is logged and the others
     * still closed: one escaping would cancel every later sweep.
     */
    private void closeOverdue() {
        final long now = System.nanoTime();
        waiting.forEach((key, w) -> {
            if (now - w.deadlineNanos() <= 0) {
                return;
            }
            if (w.connection() != null && w.connection().getBytesIn() == w.bytesIn()) {
                waiting.replace(key, w, new Waiting(w.endPoint(), w.connection(), w.bytesIn(),
                        now + headerTimeoutNanos, w.reason()));
                return;
            }
            if (waiting.remove(key, w)) {
                try {
                    LOG.debug("closing a connection: {}", w.reason());
                    w.endPoint().close(new TimeoutException(w.reason()));
                } catch (RuntimeException e) {
                    LOG.warn("could not close a connection past a request deadline ({})",
                            e.getClass().getSimpleName());
                }
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
