package io.otppipeline.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./otp bench}: runs the benchmark, prints the report as Markdown on standard output and writes the raw
 * results as JSON. Exit status 0 on success, 1 if a run failed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the pipeline against the row-lock design it replaces, side by side on this machine.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A run of about 1.5 minutes that only proves every figure is produced.")
    private boolean quick;

    @Option(names = "--users", description = "Users of the uniform and issuance workloads (default 100000).")
    private Integer users;

    @Option(names = "--rates", split = ",", description = "Fixed HTTP request rates per second (default 250,500,1000,2000).")
    private List<Integer> rates;

    @Option(names = "--http-seconds", description = "Seconds per HTTP run (default 15).")
    private Integer httpSeconds;

    @Option(names = "--window",
            description = "Commands in flight at most on the processor's path (a) (default 1000; 200 with --quick).")
    private Integer window;

    @Option(names = "--skip", split = ",",
            description = "Parts to leave out for a shorter run: http (the HTTP runs at each rate), sweep, state-size.")
    private java.util.Set<String> skip = java.util.Set.of();

    @Option(names = "--set", description = "A service setting for this run, as service:key=value (service: otp-api, "
            + "otp-processor, otp-audit); repeatable. For measuring a default before changing it.")
    private List<String> set = List.of();

    @Option(names = "--layout", defaultValue = "shipped", description = "How the services run: shipped (./otp local: "
            + "one JVM with the four services and the mail and SMS sinks; default) or per-service (otp-api, "
            + "otp-processor and otp-audit each in a JVM of its own, no notifier).")
    private String layout;

    @Option(names = "--profile", description = "Record a JFR profile of each JVM under test into the data directory.")
    private boolean profile;

    @Option(names = "--data-dir", description = "Scratch directory, wiped at start (default .otp-bench).")
    private Path dataDir = Path.of(".otp-bench");

    @Option(names = "--out", description = "Directory for the JSON results (default bench-results).")
    private Path out = Path.of("bench-results");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** @param args the command line */
    public static void main(final String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile",
                    String.valueOf(BenchCommand.class.getResource("/bench-logback.xml")));
        }
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        final BenchConfig config = config();
        final BenchResults results = Benchmark.run(config);
        spec.commandLine().getOut().print(Report.markdown(results));
        spec.commandLine().getOut().flush();
        final Path json = Report.writeJson(results, config.out());
        spec.commandLine().getErr().println("raw results: " + json.toAbsolutePath());
        return 0;
    }

    private java.util.Map<String, java.util.Map<String, String>> settings() {
        final java.util.Map<String, java.util.Map<String, String>> byService = new java.util.TreeMap<>();
        for (String s : set) {
            final int colon = s.indexOf(':');
            final int equals = s.indexOf('=', colon + 1);
            final String service = colon < 0 ? "" : s.substring(0, colon);
            if (equals < 0 || !java.util.Set.of("otp-api", "otp-processor", "otp-audit").contains(service)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--set takes service:key=value with service otp-api, otp-processor or otp-audit; got " + s);
            }
            byService.computeIfAbsent(service, k -> new java.util.TreeMap<>())
                    .put(s.substring(colon + 1, equals), s.substring(equals + 1));
        }
        return byService;
    }

    private Layout layout() {
        try {
            return Layout.of(layout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private BenchConfig config() {
        if (!BenchConfig.SKIPPABLE.containsAll(skip)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--skip takes " + String.join(", ", new java.util.TreeSet<>(BenchConfig.SKIPPABLE)) + "; got " + skip);
        }
        if (window != null && window < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--window takes a number of commands >= 1; got " + window);
        }
        final BenchConfig base = quick ? BenchConfig.tiny(dataDir, out) : BenchConfig.full(dataDir, out);
        final int u = users != null ? users : base.users();
        return new BenchConfig(u, base.hotUsers(), users != null ? u : base.verifications(), base.hotVerifications(),
                base.rightCodeShare(), rates != null ? rates : base.httpRates(),
                httpSeconds != null ? httpSeconds : base.httpSeconds(), base.commitIntervalsMs(),
                base.shippedCommitIntervalMs(), base.sweepVerifications(), base.sweepRate(), base.stateUsers(),
                base.poolSize(), base.baselineThreads(), window != null ? window : base.window(), base.warmup(),
                base.seed(), profile, java.util.Set.copyOf(skip), settings(), layout(), base.idleSettleSeconds(),
                base.idleSeconds(), dataDir.toAbsolutePath(), out);
    }
}
