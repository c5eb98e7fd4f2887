package io.otppipeline.local;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./otp secrets}: writes development secrets into a directory (used by docker-compose). */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Generate missing development keyrings and a demo API key into a directory.")
final class SecretsCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = ".otp-compose/secrets", description = "Directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        final DevSecrets secrets = new DevSecrets(out).ensure();
        System.out.println("secrets in " + out.toAbsolutePath() + "; demo API key in " + secrets.apiKeyPlaintext());
        return 0;
    }
}
