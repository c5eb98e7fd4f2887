package io.otppipeline.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every record of some (or all) topics, from the beginning to the current end: with aborted records
 * ({@link #readAll}, for leak scans) or as a downstream consumer sees them ({@link #readCommitted}).
 */
public final class TopicScanner {

    private TopicScanner() {
    }

    /** Every topic of the cluster, internal ones ({@code __consumer_offsets}, changelogs) included. */
    public static Set<String> allTopics(final String bootstrapServers) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
    }

    /** Every record of {@code topics} with {@code isolation.level=read_uncommitted}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(final String bootstrapServers, final Set<String> topics)
            throws ExecutionException, InterruptedException {
        return read(bootstrapServers, topics, "read_uncommitted");
    }

    /** The committed records of {@code topics} ({@code isolation.level=read_committed}), up to the stable offset. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(final String bootstrapServers, final Set<String> topics)
            throws ExecutionException, InterruptedException {
        return read(bootstrapServers, topics, "read_committed");
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(final String bootstrapServers, final Set<String> topics,
                                                            final String isolation)
            throws ExecutionException, InterruptedException {
        final List<TopicPartition> partitions = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
                d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
            }
        }
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
