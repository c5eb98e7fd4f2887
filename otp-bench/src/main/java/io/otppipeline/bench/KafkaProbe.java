package io.otppipeline.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Reads the broker's side of a run: bytes on disk per topic, and whether a consumer group has caught up. */
final class KafkaProbe implements AutoCloseable {

    private final Admin admin;

    KafkaProbe(final String bootstrap) {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(p);
    }

    /** Bytes of every topic's log on the (single) broker, by topic name, summed over partitions. */
    Map<String, Long> topicBytes() throws ExecutionException, InterruptedException {
        final Map<String, Long> bytes = new TreeMap<>();
        final Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(
                admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList()).allDescriptions().get();
        dirs.values().forEach(byDir -> byDir.values().forEach(d -> d.replicaInfos().forEach(
                (tp, info) -> bytes.merge(tp.topic(), info.size(), Long::sum))));
        return bytes;
    }

    /**
     * Waits until {@code group}'s committed offsets on {@code topic} reach the last stable offset of every
     * partition (at most one transaction marker behind).
     *
     * @return seconds waited
     * @throws IllegalStateException if the group has not caught up within {@code timeout}
     */
    double awaitCaughtUp(final String group, final String topic, final Duration timeout)
            throws ExecutionException, InterruptedException {
        final long start = System.nanoTime();
        final long deadline = start + timeout.toNanos();
        final Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
                .get().get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        while (System.nanoTime() < deadline) {
            final Map<TopicPartition, Long> end = admin.listOffsets(latest,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            final boolean caughtUp = end.entrySet().stream().allMatch(e -> {
                final OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue() == 0 || c != null && c.offset() >= e.getValue() - 1;
            });
            if (caughtUp) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(group + " did not catch up on " + topic + " within " + timeout);
    }

    /** {@code after - before} per topic, topics without growth left out. */
    static Map<String, Long> growth(final Map<String, Long> before, final Map<String, Long> after) {
        return after.entrySet().stream().filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0L))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() - before.getOrDefault(e.getKey(), 0L),
                        (a, b) -> a, TreeMap::new));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
