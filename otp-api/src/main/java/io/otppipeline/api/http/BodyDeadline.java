package io.otppipeline.api.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for a request's whole body (slowloris): the connection of a request whose body has not arrived in
 * full within {@code api.request.body.timeout.ms} of its headers is closed, without an answer, and the request
 * goes no further. Jetty's idle timeout does not cut a client in the middle of a body (it only fails the pending
 * read, and the body is answered 400 if it ever completes), so without this a client that stalls or sends a byte
 * every few seconds keeps its connection for hours (docs/RELIABILITY.md). Jetty has no such deadline of its own:
 * its minimum data rate is checked only on the servlet's reads of a body {@code EagerContentHandler} already
 * holds, and its {@code MinimumDataRateHandler} divides the bytes of all requests by the time of one.
 *
 * <p>Two handlers share the requests being loaded: {@link #watch()} goes before {@code EagerContentHandler} and
 * notes each request when its headers arrive; {@link #arrived()} goes after it and forgets the request once its
 * body is complete (at once for a request without one). A single thread looks every {@code timeout / 4}
 * milliseconds (at most every second) for requests past the deadline, so a request costs a map insert and
 * removal, not a timer.
 */
public final class BodyDeadline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BodyDeadline.class);
    private static final String ATTRIBUTE = BodyDeadline.class.getName();
    private static final String PAST_DEADLINE = "request body not complete within the deadline";

    /** A request whose body is still arriving: its connection and when its headers arrived. */
    private record Loading(EndPoint endPoint, long startNanos) {
    }

    private final long timeoutNanos;
    private final Map<Object, Loading> loading = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "otp-api-body-deadline");
        t.setDaemon(true);
        return t;
    });

    /** @param timeoutMs the longest a whole request body may take to arrive after its headers, in milliseconds */
    public BodyDeadline(final long timeoutMs) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final long periodMs = Math.max(10, Math.min(1000, timeoutMs / 4));
        sweeper.scheduleWithFixedDelay(this::closeOverdue, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** The handler that notes each request as its headers arrive; put it before {@code EagerContentHandler}. */
    public Handler.Wrapper watch() {
        return new Handler.Wrapper() {
            @Override
            public boolean handle(final Request request, final Response response, final Callback callback)
                    throws Exception {
                final Object token = new Object();
                loading.put(token, new Loading(request.getConnectionMetaData().getConnection().getEndPoint(),
                        System.nanoTime()));
                request.setAttribute(ATTRIBUTE, token);
                // forgotten when the request ends, whether or not its body ever arrived
                final Callback forget = Callback.from(callback, () -> loading.remove(token));
                try {
                    final boolean handled = super.handle(request, response, forget);
                    if (!handled) {
                        loading.remove(token);
                    }
                    return handled;
                } catch (Exception | Error e) {
                    loading.remove(token);
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
                if (token != null && loading.remove(token) == null) {
                    callback.failed(new TimeoutException(PAST_DEADLINE));
                    return true;
                }
                return super.handle(request, response, callback);
            }
        };
    }

    /**
     * Closes the connection of every request whose body is past the deadline. An exception closing one is logged
     * and the others still closed: one escaping would cancel every later sweep.
     */
    private void closeOverdue() {
        final long now = System.nanoTime();
        loading.forEach((token, l) -> {
            if (now - l.startNanos() > timeoutNanos && loading.remove(token, l)) {
                try {
                    LOG.debug("closing a connection whose request body did not arrive in time");
                    l.endPoint().close(new TimeoutException(PAST_DEADLINE));
                } catch (RuntimeException e) {
                    LOG.warn("could not close a connection past the body deadline ({})", e.getClass().getSimpleName());
                }
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
