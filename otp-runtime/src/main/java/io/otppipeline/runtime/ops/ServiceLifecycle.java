package io.otppipeline.runtime.ops;

/**
 * What the four services (otp-api, otp-processor, otp-notifier, otp-audit) have in common once started, with the
 * same names everywhere: {@code isLive} backs {@code GET /healthz}, {@code isReady} backs {@code GET /readyz}, and the
 * launcher's readiness is all four {@code isReady} (docs/OPERATIONS.md, "Endpoints"). Each service is started by a
 * static {@code XService.start(XConfig)} that returns it running.
 */
public interface ServiceLifecycle extends AutoCloseable {

    /**
     * Liveness: {@code false} once the service cannot recover by itself (a worker thread died, Kafka Streams is in
     * {@code ERROR}); an orchestrator restarts it then.
     */
    boolean isLive();

    /** Readiness: whether it does its work now (for example Kafka Streams is {@code RUNNING}). */
    boolean isReady();

    /** Stops the service and releases its threads and clients; a second call does nothing harmful. */
    @Override
    void close();
}
