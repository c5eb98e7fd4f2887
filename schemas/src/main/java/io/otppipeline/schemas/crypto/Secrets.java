package io.otppipeline.schemas.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Reading and writing secret files (mounted secrets). Secrets never come from the environment. */
public final class Secrets {

    private Secrets() {
    }

    /**
     * Reads a secret file as UTF-8 text with surrounding whitespace removed.
     *
     * @throws IllegalStateException if it cannot be read (the message names the file, not the content)
     */
    public static String readText(final Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read secret file " + file, e);
        }
    }

    /**
     * Writes {@code content} to {@code file}, creating parent directories, with mode 0600 on POSIX file
     * systems.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writeOwnerOnly(final Path file, final byte[] content) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        final Path tmp = Files.createTempFile(parent, ".secret", ".tmp");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
