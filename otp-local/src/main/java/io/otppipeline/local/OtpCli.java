package io.otppipeline.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./otp}: one executable for everything a user runs. */
@Command(name = "otp", mixinStandardHelpOptions = true, version = "otp-pipeline 0.1.0",
        description = "OTP verification pipeline on Apache Kafka.",
        subcommands = {LocalCommand.class, AuditCommand.class, KafkaCommand.class, MailCommand.class, SmsCommand.class,
                SecretsCommand.class})
public final class OtpCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** @param args the command line; exits with the subcommand's status */
    public static void main(final String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            final boolean tool = args.length > 0 && ("audit".equals(args[0]) || "kafka".equals(args[0]));
            System.setProperty("logback.configurationFile",
                    String.valueOf(OtpCli.class.getResource(tool ? "/tools-logback.xml" : "/launcher-logback.xml")));
        }
        System.exit(new CommandLine(new OtpCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
