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
 * One JVM of the system under test (so that its CPU and memory are its own), started on the benchmark's class
 * path: a service with its settings file, or {@code ./otp local}'s launcher with its flags; output goes to
 * {@code <name>.log} in the data directory.
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
     * Writes {@code settings} to {@code <dir>/<name>.properties} and starts {@code mainClass} with that file as its
     * only argument (how each service's own main reads its settings).
     *
     * @param profile whether to record a JFR profile to {@code <dir>/<name>-<n>.jfr} (written on exit; {@code n}
     *     counts starts, so a restarted service does not overwrite its earlier profile)
     * @throws IOException if the files cannot be written or the JVM cannot start
     */
    static ServiceProcess start(final String name, final String mainClass, final Map<String, String> settings,
                                final Path dir, final boolean profile) throws IOException {
        return startMain(name, mainClass, List.of(writeSettings(dir, name, settings).toString()), dir, profile);
    }

    /**
     * Writes {@code settings} as a properties file, {@code <dir>/<name>.properties}, the form every service's main
     * and {@code ./otp local --config} read.
     *
     * @return the file
     * @throws IOException if it cannot be written
     */
    static Path writeSettings(final Path dir, final String name, final Map<String, String> settings)
            throws IOException {
        final Path file = dir.resolve(name + ".properties");
        final Properties p = new Properties();
        p.putAll(settings);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "written by ./otp bench");
        }
        return file;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a JVM of its own, on the benchmark's class path, with the JVM
     * options {@code ./otp} gives every command: the JDK's defaults plus the words of {@code OTP_JAVA_OPTS}, if set.
     * So a run measures the heap and collector that {@code ./otp local} gets on the same machine.
     *
     * @param profile whether to record a JFR profile to {@code <dir>/<name>-<n>.jfr}
     * @throws IOException if the JVM cannot start
     */
    static ServiceProcess startMain(final String name, final String mainClass, final List<String> args,
                                    final Path dir, final boolean profile) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(javaOptions(System.getenv("OTP_JAVA_OPTS")));
        if (profile) {
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + dir.resolve(name + "-" + STARTS.incrementAndGet() + ".jfr"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        return new ServiceProcess(name, process);
    }

    /**
     * The words of {@code OTP_JAVA_OPTS} as the {@code ./otp} script splits them (unquoted expansion: on blanks).
     *
     * @param value the variable's value, or {@code null} when unset
     */
    static List<String> javaOptions(final String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
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
