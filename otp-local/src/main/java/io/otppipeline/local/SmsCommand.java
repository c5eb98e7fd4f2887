package io.otppipeline.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./otp sms}: prints the newest message the local SMS sink received. */
@Command(name = "sms", mixinStandardHelpOptions = true,
        description = "Print the newest text message received by the SMS sink of ./otp local.")
final class SmsCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".otp-local", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        return NewestFile.print(dataDir.resolve("sms"), ".json", "no text message yet");
    }
}
