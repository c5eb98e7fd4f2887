package io.otppipeline.processor.streams;

import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * A reply together with the {@code otp.replies.v1} partition the waiting API instance reads.
 *
 * @param partition partition named by the command's {@code reply-partition} header, or {@code -1} when the
 *     header was missing or invalid (then the default partitioner places it by command id)
 * @param reply the reply; only this is written to the topic
 */
record RoutedReply(int partition, OtpReply reply) {

    /** Writes only {@link #reply()} with the topic registry's serde. */
    static final Serializer<RoutedReply> SERIALIZER =
            (topic, routed) -> Topics.REPLIES.valueSerde().serializer().serialize(topic, routed.reply());

    /** Sends each reply to its named partition when it exists. */
    static final StreamPartitioner<String, RoutedReply> PARTITIONER = (topic, key, routed, numPartitions) ->
            routed.partition() >= 0 && routed.partition() < numPartitions
                    ? Optional.of(Set.of(routed.partition())) : Optional.empty();
}
