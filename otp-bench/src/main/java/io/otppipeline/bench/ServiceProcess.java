package io.otppipeline.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One service in its own JVM (so that its CPU and memory are its own), started on the benchmark's class path
 * with a settings file as its only argument; output goes to {@code <name>.log} in the data directory.
 */
final class ServiceProcess implements AutoCloseable {

    private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();

    private final String name;
    private final Process process;

    private ServiceProcess(final String name, final Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Writes {@code settings} to {@code <dir>/<name>.properties} and starts {@code mainClass}.
     *
     * @param profile whether to record a JFR profile to {@code <dir>/<name>-<n>.jfr} (written on exit; {@code n}
     *     counts starts, so a restarted service does not overwrite its earlier profile)
     * @throws IOException if the files cannot be written or the JVM cannot start
     */
    static ServiceProcess start(final String name, final String mainClass, final Map<String, String> settings,
                                final Path dir, final boolean profile) throws IOException {
        final Path file = dir.resolve(name + ".properties");
        final Properties p = new Properties();
        p.putAll(settings);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "written by ./otp bench");
        }
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms256m", "-Xmx768m",
                "-XX:+UseG1GC"));
        if (profile) {
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + dir.resolve(name + "-" + STARTS.incrementAndGet() + ".jfr"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, file.toString()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        return new ServiceProcess(name, process);
    }

    long pid() {
        return process.pid();
    }

    /**
     * @throws IllegalStateException naming the log file if the service has exited
     */
    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see its log");
        }
    }

    /** SIGTERM (the services close cleanly on it), SIGKILL after 30 seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
