/**
 * The processor's Kafka Streams glue: the topology ({@link io.otppipeline.processor.streams.OtpTopology}) and the
 * names of its nodes and stores ({@link io.otppipeline.processor.streams.Nodes}), the processors that hand records
 * to the pure cores of {@code domain}, {@code gate} and {@code guard}, the state stores' formats and indexes, and
 * the sweep ticker.
 *
 * <p>May import {@code domain}, {@code gate} and {@code guard}, never the service shell above it
 * ({@code ProcessorService}, {@code ProcessorConfig}, {@code ProcessorMain}), which starts it.
 */
package io.otppipeline.processor.streams;
