package io.otppipeline.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Every log line of this JVM, kept in memory, for tests that prove a secret never reaches a log. */
public final class LogCapture {

    private LogCapture() {
    }

    /** Starts keeping every line logged through the root logger from now on. */
    public static ListAppender<ILoggingEvent> start() {
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        return logs;
    }
}
