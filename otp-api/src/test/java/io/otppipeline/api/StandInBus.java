package io.otppipeline.api;

import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.reply.OtpReply;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link CommandBus} in place of Kafka for tests of the HTTP layer: each command sent is handed to {@code sent},
 * and its decision is what {@code answer} gives; always ready, alive while {@code alive} says so.
 */
final class StandInBus implements CommandBus {

    private final Consumer<OtpCommand> sent;
    private final Function<OtpCommand, CompletableFuture<OtpReply>> answer;
    private final BooleanSupplier alive;

    StandInBus(final Consumer<OtpCommand> sent, final Function<OtpCommand, CompletableFuture<OtpReply>> answer,
               final BooleanSupplier alive) {
        this.sent = sent;
        this.answer = answer;
        this.alive = alive;
    }

    @Override
    public void start() {
    }

    @Override
    public CompletableFuture<OtpReply> send(final OtpCommand command) {
        sent.accept(command);
        return answer.apply(command);
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public boolean isAlive() {
        return alive.getAsBoolean();
    }

    @Override
    public void close() {
    }
}
