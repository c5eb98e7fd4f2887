package io.otppipeline.api.http;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.List;

/**
 * How long a connection may take to send a request's headers, and how many connections otp-api holds at once:
 * against clients that open connections and trickle header bytes (slowloris). Jetty's idle timeout restarts on
 * every byte, so without a header deadline such a connection is held for ever, and without a limit enough of them
 * exhaust the process's file descriptors (issue 32). With both, a flood of trickling clients holds at most
 * {@code maxConnections} connections, each for at most {@code headerTimeoutMs}, and a new client (a health probe
 * among them) is accepted within that time.
 *
 * @param headerTimeoutMs {@link #HEADER_TIMEOUT_MS}
 * @param maxConnections {@link #MAX_CONNECTIONS}
 */
public record ConnectionLimits(long headerTimeoutMs, int maxConnections) {

    public static final Setting<Long> HEADER_TIMEOUT_MS = Setting.integer("api.request.header.timeout.ms", 10_000,
            "milliseconds", "the longest a connection may take to send a request's complete headers once it sent "
                    + "a byte of them (after opening, or after its previous answer); a slower one is closed "
                    + "(slowloris). An idle kept-alive connection is left to Jetty's idle timeout")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> MAX_CONNECTIONS = Setting.integer("api.max.connections", 10_000, "count",
            "connections held at once (Jetty's NetworkConnectionLimit); beyond it new ones wait in the listen "
                    + "backlog; keep it below the process's open-file limit").check(Setting.atLeast(1), "at least 1");

    /** Both settings. */
    public static final List<Setting<?>> SETTINGS = List.of(HEADER_TIMEOUT_MS, MAX_CONNECTIONS);

    /** The defaults named above. */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(10_000, 10_000);

    /** @throws IllegalArgumentException if a value is not positive */
    public ConnectionLimits {
        if (headerTimeoutMs < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("api.request.header.timeout.ms and api.max.connections must be positive");
        }
    }

    /** @throws IllegalStateException naming a malformed setting */
    public static ConnectionLimits from(final Settings s) {
        return new ConnectionLimits(HEADER_TIMEOUT_MS.read(s), MAX_CONNECTIONS.read(s).intValue());
    }
}
