package io.otppipeline.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * Transactions that a partition still holds open although its transaction coordinator has none open for that
 * producer ("hanging transactions"): the partition's last stable offset stays at the transaction's first offset, so
 * every {@code read_committed} reader of it (the processor's task for that partition, the audit sink) stops there
 * for good while the end offset grows. This is what {@code kafka-transactions.sh find-hanging} finds and
 * {@code kafka-transactions.sh abort} ends (KIP-664); docs/RUNBOOKS.md, "A partition stops while the others go on".
 *
 * <p>Seen here after a single broker was stopped and started again under load (`OutageIT`): the coordinator listed no
 * open transaction while two partitions of {@code otp.commands.v1}, written by the processor's transactional
 * producer, kept their stable offset below the restart's end offset.
 */
public final class HangingTransactions {

    private HangingTransactions() {
    }

    /**
     * One partition's open transaction that no coordinator knows of.
     *
     * @param partition the partition
     * @param producer the producer's state there (id, epoch, coordinator epoch, first offset of the open transaction)
     */
    public record Hanging(TopicPartition partition, ProducerState producer) {

        @Override
        public String toString() {
            return partition + " from offset " + producer.currentTransactionStartOffset().orElse(-1) + " (producer "
                    + producer.producerId() + ", epoch " + producer.producerEpoch() + ")";
        }
    }

    /**
     * The hanging transactions on every partition of every topic the cluster lists (internal topics aside).
     *
     * @param olderThan how long the partition's open transaction must have been silent (its producer's last write);
     *     longer than any transaction timeout in use, so that a live transaction is never taken for one
     * @throws ExecutionException if the broker refuses a call
     * @throws TimeoutException if a call takes longer than 30 seconds
     */
    public static List<Hanging> find(final Admin admin, final Duration olderThan)
            throws ExecutionException, InterruptedException, TimeoutException {
        final Set<Long> openAtCoordinator = admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.state() == TransactionState.ONGOING || t.state() == TransactionState.PREPARE_COMMIT
                        || t.state() == TransactionState.PREPARE_ABORT
                        || t.state() == TransactionState.PREPARE_EPOCH_FENCE)
                .map(TransactionListing::producerId).collect(Collectors.toSet());
        final Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        final List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
        }
        final Map<TopicPartition, DescribeProducersResult.PartitionProducerState> states =
                admin.describeProducers(partitions).all().get(30, TimeUnit.SECONDS);
        final long silentBefore = System.currentTimeMillis() - olderThan.toMillis();
        final List<Hanging> hanging = new ArrayList<>();
        states.forEach((partition, state) -> state.activeProducers().stream()
                .filter(p -> p.currentTransactionStartOffset().isPresent() && p.lastTimestamp() < silentBefore
                        && !openAtCoordinator.contains(p.producerId()))
                .forEach(p -> hanging.add(new Hanging(partition, p))));
        return hanging;
    }

    /**
     * Writes an abort marker for each of {@code hanging} on its partition, which lets its stable offset move on. No
     * {@code read_committed} reader has seen the transaction's records on that partition, and after the abort none
     * will: if its coordinator had in fact committed it, they are lost there (the trade-off of
     * {@code kafka-transactions.sh abort}); a partition stopped for good is the worse outcome.
     *
     * @throws ExecutionException if the broker refuses an abort
     * @throws TimeoutException if an abort takes longer than 30 seconds
     */
    public static void abort(final Admin admin, final List<Hanging> hanging)
            throws ExecutionException, InterruptedException, TimeoutException {
        for (Hanging h : hanging) {
            // a coordinator epoch the partition does not know is 0, as kafka-transactions.sh abort takes it
            admin.abortTransaction(new AbortTransactionSpec(h.partition(), h.producer().producerId(),
                    (short) h.producer().producerEpoch(), h.producer().coordinatorEpoch().orElse(0)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }
}
