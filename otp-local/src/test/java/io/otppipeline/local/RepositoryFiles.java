package io.otppipeline.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of the repository this module's tests run in (Maven runs them in {@code otp-local/}, so the root is
 * {@code ..}), for the tests that hold the documents to the code. Skipped: directories whose name starts with a dot
 * ({@code .git}, the launchers' {@code .otp-local} and {@code .otp-bench} data), build output and recorded bench
 * results.
 */
final class RepositoryFiles {

    /** The repository's root, relative to the module directory. */
    static final Path ROOT = Path.of("..");

    private static final Set<String> SKIPPED = Set.of("target", "node_modules", "bench-results");

    private RepositoryFiles() {
    }

    /** Every file below {@link #ROOT}, outside the skipped directories, that {@code wanted} accepts. */
    static List<Path> matching(final Predicate<Path> wanted) throws IOException {
        final List<Path> files = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(final Path dir, final BasicFileAttributes attributes) {
                final String name = dir.getFileName().toString();
                return !dir.equals(ROOT) && (name.startsWith(".") || SKIPPED.contains(name))
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) {
                if (wanted.test(file)) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    /**
     * Every match of {@code pattern} in the lines of {@code files}, in order.
     *
     * @return each match with where it is, {@code path:line: matched text} (the path relative to {@link #ROOT})
     */
    static List<Found> find(final List<Path> files, final Pattern pattern) throws IOException {
        final List<Found> found = new ArrayList<>();
        for (Path file : files) {
            final List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                final Matcher m = pattern.matcher(lines.get(i));
                while (m.find()) {
                    found.add(new Found(ROOT.relativize(file) + ":" + (i + 1) + ": " + m.group(), m.toMatchResult()));
                }
            }
        }
        return found;
    }

    /** A match and where it is ({@code path:line: matched text}). */
    record Found(String where, MatchResult match) {
    }
}
