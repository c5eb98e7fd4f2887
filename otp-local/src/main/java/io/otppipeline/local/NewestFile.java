package io.otppipeline.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** What {@code ./otp mail} and {@code ./otp sms} do: print the newest file a local sink saved. */
final class NewestFile {

    private NewestFile() {
    }

    /**
     * Prints the file of {@code dir} whose name ends with {@code suffix} and sorts last (the sinks name files
     * {@code <epoch ms>-NNNNNN.<suffix>}), preceded by its path.
     *
     * @param nothing what to say on standard error when there is none yet, for example {@code no mail yet}
     * @return the exit code: 0, or 1 when there is no such file
     * @throws IOException if the file cannot be read
     */
    static int print(final Path dir, final String suffix, final String nothing) throws IOException {
        final Optional<Path> newest;
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            newest = files.filter(p -> p.toString().endsWith(suffix)).max(Comparator.comparing(Path::getFileName));
        }
        if (newest.isEmpty()) {
            System.err.println(nothing + " in " + dir);
            return 1;
        }
        System.out.println("== " + newest.get());
        System.out.println(Files.readString(newest.get()));
        return 0;
    }
}
