package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The ACLs of {@link KafkaAcls}: least privilege where it matters, and the table in docs/OPERATIONS.md equal to them. */
class KafkaAclsTest {

    private static final List<AclBinding> DEFAULT = KafkaAcls.bindings(KafkaAcls.Principals.DEFAULT);

    @Test
    void shouldLetOnlyApiAndProcessorWriteCommandsWhenDefaultPrincipalsAreUsed() {
        assertThat(principalsAllowed(AclOperation.WRITE, Topics.COMMANDS.name()))
                .containsExactlyInAnyOrder("User:otp-api", "User:otp-processor");
    }

    @Test
    void shouldLetOnlyProcessorWriteDecisionsWhenDefaultPrincipalsAreUsed() {
        for (String topic : List.of(Topics.REPLIES.name(), Topics.DELIVERY.name(), Topics.IP_VERDICTS.name(),
                Topics.SEND_GATE.name())) {
            assertThat(principalsAllowed(AclOperation.WRITE, topic)).as(topic).containsExactly("User:otp-processor");
        }
    }

    @Test
    void shouldGiveAuditAndToolsReadOnlyOnEventsWhenDefaultPrincipalsAreUsed() {
        for (String principal : List.of("User:otp-audit", "User:otp-tools")) {
            assertThat(DEFAULT.stream().filter(b -> b.entry().principal().equals(principal))
                    .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC)
                    .map(b -> b.entry().operation() + " " + b.pattern().name()))
                    .as(principal).containsExactly("READ " + Topics.EVENTS.name());
        }
    }

    @Test
    void shouldMatchTheTableInOperationsDocWhenPrinted() throws Exception {
        final String doc = Files.readString(Path.of("..", "docs", "OPERATIONS.md"));
        final Matcher m = Pattern.compile("(?s)`--api-principal`.*?```text\\n(.*?)```").matcher(doc);
        assertThat(m.find()).as("ACL table in docs/OPERATIONS.md").isTrue();
        assertThat(m.group(1)).isEqualTo(KafkaAcls.describe(DEFAULT));
    }

    private static List<String> principalsAllowed(final AclOperation operation, final String topic) {
        return DEFAULT.stream().filter(b -> b.pattern().resourceType() == ResourceType.TOPIC)
                .filter(b -> b.pattern().name().equals(topic) && b.entry().operation() == operation)
                .map(b -> b.entry().principal()).toList();
    }
}
