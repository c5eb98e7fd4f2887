/**
 * otp-api's side of Kafka: the {@link io.otppipeline.api.bus.CommandBus} that routes take (a command out, the
 * processor's reply back), its Kafka implementation ({@link io.otppipeline.api.bus.CommandGateway} and the
 * {@link io.otppipeline.api.bus.ReplyListener}), and the IP guard's verdicts read from their compacted topic.
 *
 * <p>Imports no other package of otp-api: it knows commands and replies (schemas), not HTTP.
 */
package io.otppipeline.api.bus;
