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

/** {@code ./otp mail}: prints the newest message the local SMTP sink received. */
@Command(name = "mail", mixinStandardHelpOptions = true,
        description = "Print the newest message received by the SMTP sink of ./otp local.")
final class MailCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".otp-local", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        final Path mailDir = dataDir.resolve("mail");
        if (!Files.isDirectory(mailDir)) {
            System.err.println("no mail yet: " + mailDir + " does not exist");
            return 1;
        }
        final Optional<Path> newest;
        try (Stream<Path> files = Files.list(mailDir)) {
            newest = files.filter(p -> p.toString().endsWith(".eml")).max(Comparator.comparing(Path::getFileName));
        }
        if (newest.isEmpty()) {
            System.err.println("no mail yet in " + mailDir);
            return 1;
        }
        System.out.println("== " + newest.get());
        System.out.println(Files.readString(newest.get()));
        return 0;
    }
}
