package io.otppipeline.local;

import io.otppipeline.schemas.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./otp secrets}: writes development secrets into a directory (used by docker-compose). */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Generate missing development secrets for docker-compose: keyrings, a demo API key, "
                + "database passwords (schema owner, audit sink).")
final class SecretsCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = ".otp-compose/secrets", description = "Directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        final DevSecrets secrets = new DevSecrets(out).ensure();
        // the schema owner's (migrations) and the audit sink's own login, which may only append (docker-compose.yml)
        for (String name : new String[] {"postgres-password", "audit-sink-password"}) {
            final Path password = out.resolve(name);
            if (!Files.exists(password)) {
                final byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                Secrets.writeOwnerOnly(password, Base64.getUrlEncoder().withoutPadding().encodeToString(random)
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        System.out.println("secrets in " + out.toAbsolutePath() + " (mode 0600; the containers run as uid 10001: "
                + "chown -R 10001 " + out + " before docker-compose up); demo API key in "
                + secrets.apiKeyPlaintext());
        return 0;
    }
}
