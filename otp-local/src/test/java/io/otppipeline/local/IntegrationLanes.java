package io.otppipeline.local;

/**
 * The two lanes the integration tests of this module run in, side by side (failsafe runs test classes concurrently,
 * two at a time; otp-local's pom). Each IT class takes one lane with {@code @ResourceLock}, so at any moment at most
 * one class of each lane runs:
 * <ul>
 *   <li>{@link #FAULTS}: the tests that stop, kill or freeze a part under load (a broker, PostgreSQL, the SMTP
 *       server, a processor instance), whose waits are mostly timeouts running out;</li>
 *   <li>{@link #SERVICES}: the tests of the pipeline working, each on a fixture of its own, and PostgreSQL's
 *       outage ({@link PostgresOutageIT}: its one bound is a minute for the audit log to catch up, and a stopped
 *       database takes no CPU from the fault lane).</li>
 * </ul>
 * Two fault tests never overlap: each one's timing bounds (sessions, transactions, breakers) assume the machine's
 * other core is not taken by a second outage. Every fixture listens on ports the system chose, so two classes never
 * share a broker, a database or a port; a server that a test stops and starts again takes its port from
 * {@link RestartablePorts}, below the ephemeral range, so that no client of the other lane takes it meanwhile.
 */
final class IntegrationLanes {

    /** Outages, kills and takeovers under load. */
    static final String FAULTS = "otp-local.lane.faults";

    /** The pipeline working, one fixture per class. */
    static final String SERVICES = "otp-local.lane.services";

    private IntegrationLanes() {
    }
}
