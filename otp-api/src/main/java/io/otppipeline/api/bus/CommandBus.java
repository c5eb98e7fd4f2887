package io.otppipeline.api.bus;

import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.reply.OtpReply;
import java.util.concurrent.CompletableFuture;

/**
 * Where the HTTP routes hand a command and get its decision back: the seam between HTTP and Kafka. In service,
 * {@link CommandGateway} (publish on {@code otp.commands.v1}, await {@code otp.replies.v1}); in the API's unit
 * tests, a stand-in that answers what the test needs, so every HTTP mapping is tested without a broker.
 */
public interface CommandBus extends AutoCloseable {

    /** Starts whatever the bus needs to receive replies (called once, before the HTTP server starts). */
    void start();

    /**
     * Sends {@code command} and waits for its decision.
     *
     * @return completes with the reply, or exceptionally with {@link java.util.concurrent.TimeoutException} when
     *     no decision arrived in time, or with the transport's exception when the command could not be written
     */
    CompletableFuture<OtpReply> send(OtpCommand command);

    /** Whether a decision can reach this instance now (readiness). */
    boolean isReady();

    /**
     * Whether the bus's own workers still run (liveness): {@code false} once the reply listener died, which no
     * retry brings back; an orchestrator should then restart the instance.
     */
    default boolean isAlive() {
        return true;
    }

    @Override
    void close();
}
