package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.api.ApiConfig;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.runtime.config.SettingCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./otp local} and docker-compose.yml add the same settings to the services' defaults, from one file
 * ({@code otp-local/src/main/resources/demo.env}): the launcher reads it from its class path, every service of the
 * compose file gets it as {@code env_file}.
 */
class DemoSettingsTest {

    private static final Path DEMO_ENV = RepositoryFiles.ROOT.resolve("otp-local/src/main/resources/demo.env");
    private static final List<SettingCatalog> CATALOGS = List.of(ApiConfig.CATALOG, ProcessorConfig.CATALOG,
            NotifierConfig.CATALOG, AuditConfig.CATALOG);

    @Test
    void shouldGiveEveryComposeServiceTheFileLocalReadsWhenComposeFileIsRead() throws Exception {
        final String compose = Files.readString(RepositoryFiles.ROOT.resolve("docker-compose.yml"));
        final Matcher anchor = Pattern.compile("(?m)^x-otp-service: &otp-service\\n((?:  .*\\n)+)").matcher(compose);
        assertThat(anchor.find()).as("the x-otp-service anchor").isTrue();
        assertThat(anchor.group(1)).contains("env_file:\n    - ./otp-local/src/main/resources/demo.env");
        final Matcher services = Pattern.compile("(?m)^  (otp-[a-z]+):\\n    <<: \\*otp-service$").matcher(compose);
        final List<String> merged = services.results().map(m -> m.group(1)).toList();
        assertThat(merged).containsExactlyInAnyOrder("otp-processor", "otp-api", "otp-notifier", "otp-audit");
        assertThat(Files.readString(DEMO_ENV)).isEqualTo(new String(LocalCommand.class
                .getResourceAsStream("/" + LocalCommand.DEMO_ENV).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadOnlySettingsSomeServiceDefinesWhenLocalLoadsDemoEnv() throws Exception {
        final Map<String, String> demo = LocalCommand.demoSettings();

        assertThat(demo).containsEntry("otp.lockout.notice.tenants", DevSecrets.DEMO_TENANT)
                .containsEntry("api.magic.link.redirects.demo", "http://localhost:3000/");
        assertThat(demo.keySet()).allSatisfy(key -> assertThat(CATALOGS.stream().anyMatch(c -> c.isKnown(key)))
                .as("a service defines %s", key).isTrue());
    }
}
