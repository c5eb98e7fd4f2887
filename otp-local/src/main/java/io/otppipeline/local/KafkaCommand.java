package io.otppipeline.local;

import io.otppipeline.runtime.kafka.KafkaConnection;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./otp kafka topics | acls}: what an administrator does once on a secured cluster, where the services may
 * not create topics ({@code kafka.topics.create=false}) and each has only its own ACLs. Run them with an
 * administrator's {@code --kafka-settings}. Exit codes: 0 done, 2 the command could not run.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Create the pipeline's topics and print or apply each service principal's ACLs.",
        subcommands = {KafkaCommand.CreateTopics.class, KafkaCommand.Acls.class})
final class KafkaCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "topics", mixinStandardHelpOptions = true,
            description = "Create every topic of the pipeline that is missing (what the services do on start when "
                    + "kafka.topics.create is true).")
    static final class CreateTopics implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--replication-factor", defaultValue = "1",
                description = "Replication factor of new topics (default: ${DEFAULT-VALUE}; 3 in production).")
        short replicationFactor;

        @Override
        public Integer call() {
            try {
                final KafkaConnection c = kafka.connection();
                new KafkaConnection(c.bootstrapServers(), c.clientSettings(), replicationFactor, true).ensureTopics();
                spec.commandLine().getOut().println("kafka topics: every topic exists");
                return 0;
            } catch (Exception e) {
                spec.commandLine().getErr().println("kafka topics: " + e.getMessage());
                return AuditCommand.FAILED;
            }
        }
    }

    @Command(name = "acls", mixinStandardHelpOptions = true,
            description = "Print the ACLs each service principal needs (one line each: principal, operation, "
                    + "resource type, name, pattern); with --apply, create them on the cluster.")
    static final class Acls implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--apply", description = "Create the ACLs (needs an administrator's --kafka-settings).")
        boolean apply;

        @Option(names = "--api-principal", defaultValue = "User:otp-api", description = "Default: ${DEFAULT-VALUE}.")
        String api;

        @Option(names = "--processor-principal", defaultValue = "User:otp-processor",
                description = "Default: ${DEFAULT-VALUE}.")
        String processor;

        @Option(names = "--notifier-principal", defaultValue = "User:otp-notifier",
                description = "Default: ${DEFAULT-VALUE}.")
        String notifier;

        @Option(names = "--audit-principal", defaultValue = "User:otp-audit", description = "Default: ${DEFAULT-VALUE}.")
        String audit;

        @Option(names = "--tools-principal", defaultValue = "User:otp-tools",
                description = "Principal of ./otp audit replay|rebuild (default: ${DEFAULT-VALUE}).")
        String tools;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final List<AclBinding> bindings = KafkaAcls.bindings(
                    new KafkaAcls.Principals(api, processor, notifier, audit, tools));
            out.print(KafkaAcls.describe(bindings));
            out.flush();
            if (!apply) {
                return 0;
            }
            try (Admin admin = Admin.create(kafka.connection().properties())) {
                admin.createAcls(bindings).all().get();
                awaitVisible(admin, bindings);
                out.printf("kafka acls: %d bindings created%n", bindings.size());
                return 0;
            } catch (Exception e) {
                spec.commandLine().getErr().println("kafka acls: " + e.getMessage());
                return AuditCommand.FAILED;
            }
        }

        /**
         * Waits until the broker answering {@code describeAcls} serves every binding: the controller commits them
         * first and brokers apply them from the metadata log a moment later, so a service started right after
         * {@code createAcls} returned could still be refused.
         *
         * @throws IllegalStateException if they are not visible within 30 seconds
         */
        private static void awaitVisible(final Admin admin, final List<AclBinding> bindings) throws Exception {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.describeAcls(AclBindingFilter.ANY).values().get().containsAll(bindings)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ACLs created but not served by the broker within 30 s");
                }
                Thread.sleep(100);
            }
        }
    }
}
