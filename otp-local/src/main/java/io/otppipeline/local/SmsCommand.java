package io.otppipeline.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
        final Path smsDir = dataDir.resolve("sms");
        final Optional<Path> newest;
        try (Stream<Path> files = Files.isDirectory(smsDir) ? Files.list(smsDir) : Stream.empty()) {
            newest = files.filter(p -> p.toString().endsWith(".json")).max(Comparator.comparing(Path::getFileName));
        }
        if (newest.isEmpty()) {
            System.err.println("no text message yet in " + smsDir);
            return 1;
        }
        System.out.println("== " + newest.get());
        System.out.println(Files.readString(newest.get()));
        return 0;
    }
}
