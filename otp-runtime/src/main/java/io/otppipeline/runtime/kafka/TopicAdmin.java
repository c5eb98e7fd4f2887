package io.otppipeline.runtime.kafka;

import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.kafka.Topic;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics if they are missing. Idempotent; every service calls it on start. */
public final class TopicAdmin {

    private static final String TIMESTAMP_TYPE = "message.timestamp.type";

    private TopicAdmin() {
    }

    /**
     * Creates every topic of {@link Topics#all()} that does not exist yet.
     *
     * @param kafka the cluster, and the replication factor for new topics ({@code 1} on a single broker)
     * @throws IllegalStateException if the broker refuses a topic for another reason than "exists"
     */
    public static void ensureTopics(final KafkaConnection kafka) {
        try (Admin admin = Admin.create(kafka.properties())) {
            for (Topic<?, ?> topic : Topics.all()) {
                create(admin, new NewTopic(topic.name(), topic.partitions(), kafka.replicationFactor())
                        .configs(Map.copyOf(topic.configs())));
            }
        }
    }

    private static void create(final Admin admin, final NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
            }
            enforceTimestampType(admin, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
        }
    }

    /**
     * A topic created before its timestamp type was part of the registry (the commands topic of an older
     * release) gets it set: decisions read the broker's append time (docs/DESIGN-NOTES.md).
     */
    private static void enforceTimestampType(final Admin admin, final NewTopic topic) {
        final String type = topic.configs() == null ? null : topic.configs().get(TIMESTAMP_TYPE);
        if (type == null) {
            return;
        }
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        try {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TIMESTAMP_TYPE, type), AlterConfigOp.OpType.SET)))).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set " + TIMESTAMP_TYPE + " of topic " + topic.name(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
        }
    }
}
