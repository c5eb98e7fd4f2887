package io.otppipeline.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./otp mail}: prints the newest message the local SMTP sink received. */
@Command(name = "mail", mixinStandardHelpOptions = true,
        description = "Print the newest message received by the SMTP sink of ./otp local.")
final class MailCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".otp-local", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        return NewestFile.print(dataDir.resolve("mail"), ".eml", "no mail yet");
    }
}
