package io.otppipeline.api.bus;

import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.runtime.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.Topics;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every verdict of {@code otp.ip-verdicts.v1} in memory: the whole compacted topic is read from the beginning on
 * start (no consumer group: every instance reads every partition) and followed, a tombstone removing its key.
 * Memory is bounded by the addresses that currently matter: the IP guard writes a tombstone once a verdict lapses.
 * Until the topic has been read once, lookups simply find less (the guard is approximate by design).
 */
public final class KafkaIpVerdicts implements IpVerdicts {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaIpVerdicts.class);

    private final Map<String, IpVerdict> verdicts = new ConcurrentHashMap<>();
    private final int ipv6PrefixLength;
    private final int ipv6WidePrefixLength;
    private final PollingLoop<String, byte[]> loop;

    /**
     * Starts reading.
     *
     * @param kafka the cluster
     * @param ipv6PrefixLength bits of an IPv6 address counted together, as the processor's IP guard counts them
     * @param ipv6WidePrefixLength bits of the wider IPv6 prefix the guard counts as well (0: none)
     */
    public KafkaIpVerdicts(final KafkaConnection kafka, final int ipv6PrefixLength, final int ipv6WidePrefixLength) {
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.ipv6WidePrefixLength = ipv6WidePrefixLength;
        final Properties p = PollingLoop.readCommittedConsumer(kafka, "otp-api-ip-verdicts", "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(PollingLoop.ASSIGNED_READER_FETCH_MAX_WAIT_MS));
        final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer());
        loop = new PollingLoop<>("otp-api-ip-verdicts", consumer, KafkaIpVerdicts::assignAll,
                records -> records.forEach(this::apply));
        loop.start();
    }

    /**
     * Assigns every partition of the verdict topic from its beginning; while the broker cannot say which partitions
     * there are (it is away at start), asks again instead of letting the reader die.
     */
    private static void assignAll(final KafkaConsumer<String, byte[]> consumer) {
        while (true) {
            try {
                final var partitions = consumer.partitionsFor(Topics.IP_VERDICTS.name()).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return;
            } catch (TimeoutException e) {
                LOG.warn("partitions of {} not known yet ({}); asking again", Topics.IP_VERDICTS.name(),
                        e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public boolean isAlive() {
        return loop.isAlive();
    }

    private void apply(final ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            verdicts.remove(record.key());
            return;
        }
        try {
            verdicts.put(record.key(), Topics.IP_VERDICTS.valueSerde().deserializer()
                    .deserialize(record.topic(), record.value()));
        } catch (SerializationException e) {
            LOG.warn("unreadable verdict skipped (partition {}, offset {})", record.partition(), record.offset());
        }
    }

    @Override
    public IpVerdict find(final String tenantId, final IpActivity kind, final String ip) {
        IpVerdict verdict = null; // lapsed or not: the processor compares its times
        for (String ipKey : IpKeys.keys(ip, ipv6PrefixLength, ipv6WidePrefixLength)) {
            verdict = IpVerdict.strongest(verdict, verdicts.get(kind.key(tenantId, ipKey)));
        }
        return verdict;
    }

    @Override
    public void close() {
        loop.close();
    }
}
