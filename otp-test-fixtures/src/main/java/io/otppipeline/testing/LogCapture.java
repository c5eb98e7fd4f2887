package io.otppipeline.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/** Every log line of this JVM, kept in memory, for tests that prove a secret never reaches a log. */
public final class LogCapture {

    private LogCapture() {
    }

    /**
     * Starts keeping every line logged through the root logger from now on. Waits (at most 30 seconds) while SLF4J is
     * still binding Logback in another thread: until then it hands out stand-in loggers, which is what a test class
     * starting beside another one (two lanes) met now and then.
     *
     * @throws IllegalStateException if Logback is not bound within 30 seconds
     */
    public static ListAppender<ILoggingEvent> start() {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("SLF4J did not bind Logback within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // polls the binding, which has no callback
        }
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        return logs;
    }
}
