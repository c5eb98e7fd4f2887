package io.otppipeline.local;

import io.otppipeline.schemas.kafka.Topic;
import io.otppipeline.schemas.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each service principal needs, and nothing more (docs/OPERATIONS.md, "Kafka security"): on a cluster
 * that refuses whatever no ACL allows, only otp-api and the processor can write {@code otp.commands.v1} (a command
 * can unlock or approve any user), only the processor writes decisions, and the audit sink and the analysts' tools
 * read the public events and nothing else. {@code READ} and {@code WRITE} imply {@code DESCRIBE}.
 *
 * <p>Consumer group and transactional-id names are those of the default settings ({@code api.reply.group.id},
 * {@code processor.application.id}, {@code notifier.group.id}, {@code audit.group.id}), matched as prefixes; an
 * operator who changes one changes the ACL too.
 */
final class KafkaAcls {

    /**
     * The principal of each service, as the broker's authenticator names it ({@code User:<name>}).
     *
     * @param api otp-api
     * @param processor otp-processor
     * @param notifier otp-notifier
     * @param audit otp-audit
     * @param tools {@code ./otp audit replay|rebuild}
     */
    record Principals(String api, String processor, String notifier, String audit, String tools) {
        static final Principals DEFAULT = new Principals("User:otp-api", "User:otp-processor", "User:otp-notifier",
                "User:otp-audit", "User:otp-tools");
    }

    /** Default consumer group of otp-api's reply and IP-verdict readers (prefix). */
    static final String API_GROUP = "otp-api";
    /** Default Kafka Streams application id of otp-processor: its group, internal topics and transactional ids. */
    static final String PROCESSOR_APPLICATION_ID = "otp-processor";
    static final String NOTIFIER_GROUP = "otp-notifier";
    static final String AUDIT_GROUP = "otp-audit";

    private KafkaAcls() {
    }

    /** Every binding for {@code p}, in a stable order (by service, then resource). */
    static List<AclBinding> bindings(final Principals p) {
        final List<AclBinding> b = new ArrayList<>();
        topic(b, p.api(), Topics.COMMANDS, AclOperation.WRITE);
        topic(b, p.api(), Topics.REPLIES, AclOperation.READ);
        topic(b, p.api(), Topics.IP_VERDICTS, AclOperation.READ);
        prefixed(b, p.api(), ResourceType.GROUP, API_GROUP, AclOperation.READ);

        topic(b, p.processor(), Topics.COMMANDS, AclOperation.READ, AclOperation.WRITE);
        topic(b, p.processor(), Topics.REPLIES, AclOperation.WRITE);
        topic(b, p.processor(), Topics.SEND_GATE, AclOperation.READ, AclOperation.WRITE);
        topic(b, p.processor(), Topics.DELIVERY, AclOperation.WRITE);
        topic(b, p.processor(), Topics.IP_ACTIVITY, AclOperation.READ, AclOperation.WRITE);
        topic(b, p.processor(), Topics.IP_VERDICTS, AclOperation.WRITE);
        topic(b, p.processor(), Topics.EVENTS, AclOperation.READ, AclOperation.WRITE);
        topic(b, p.processor(), Topics.COMMANDS_DLQ, AclOperation.READ, AclOperation.WRITE);
        topic(b, p.processor(), Topics.DELIVERY_DLQ, AclOperation.READ);
        // Kafka Streams creates, reads, writes and purges its changelog and repartition topics
        prefixed(b, p.processor(), ResourceType.TOPIC, PROCESSOR_APPLICATION_ID + "-", AclOperation.ALL);
        prefixed(b, p.processor(), ResourceType.GROUP, PROCESSOR_APPLICATION_ID, AclOperation.READ);
        prefixed(b, p.processor(), ResourceType.TRANSACTIONAL_ID, PROCESSOR_APPLICATION_ID, AclOperation.WRITE);

        topic(b, p.notifier(), Topics.DELIVERY, AclOperation.READ);
        topic(b, p.notifier(), Topics.EVENTS, AclOperation.WRITE);
        topic(b, p.notifier(), Topics.DELIVERY_DLQ, AclOperation.WRITE);
        topic(b, p.notifier(), Topics.DELIVERY_LEDGER, AclOperation.READ, AclOperation.WRITE);
        prefixed(b, p.notifier(), ResourceType.GROUP, NOTIFIER_GROUP, AclOperation.READ);

        topic(b, p.audit(), Topics.EVENTS, AclOperation.READ);
        prefixed(b, p.audit(), ResourceType.GROUP, AUDIT_GROUP, AclOperation.READ);

        topic(b, p.tools(), Topics.EVENTS, AclOperation.READ);
        return List.copyOf(b);
    }

    /**
     * One line per binding: {@code principal operation resource-type name pattern}, for docs and for operators who
     * keep ACLs in other tools (Strimzi, Terraform).
     */
    static String describe(final List<AclBinding> bindings) {
        final StringBuilder out = new StringBuilder();
        for (AclBinding binding : bindings) {
            out.append(String.format(Locale.ROOT, "%-20s %-6s %-16s %-26s %s%n", binding.entry().principal(),
                    binding.entry().operation(), binding.pattern().resourceType(), binding.pattern().name(),
                    binding.pattern().patternType()));
        }
        return out.toString();
    }

    private static void topic(final List<AclBinding> b, final String principal, final Topic<?, ?> topic,
                              final AclOperation... operations) {
        for (AclOperation operation : operations) {
            b.add(allow(principal, new ResourcePattern(ResourceType.TOPIC, topic.name(), PatternType.LITERAL),
                    operation));
        }
    }

    private static void prefixed(final List<AclBinding> b, final String principal, final ResourceType type,
                                 final String prefix, final AclOperation operation) {
        b.add(allow(principal, new ResourcePattern(type, prefix, PatternType.PREFIXED), operation));
    }

    private static AclBinding allow(final String principal, final ResourcePattern pattern, final AclOperation op) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}
