package io.otppipeline.local;

import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.audit.AuditService;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.notifier.NotifierService;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.processor.ProcessorService;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.config.SharedSettings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.runtime.ops.ServiceLifecycle;
import java.nio.file.Files;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four services in one JVM, configured through the same settings keys they read from their own
 * properties files. Closing stops them in reverse start order.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** Started services, newest first; read by {@link #isReady()} while a shutdown hook may be closing them. */
    private final Deque<ServiceLifecycle> started = new ConcurrentLinkedDeque<>();
    private ApiService api;
    private ProcessorService processor;
    private AuditService audit;
    private NotifierService notifier;

    private Pipeline() {
    }

    /**
     * Starts audit, processor, notifier and API, in that order (consumers before the producer that feeds them).
     *
     * @throws RuntimeException from the first service that fails; the ones already started are stopped
     */
    public static Pipeline start(final PipelineSettings s) {
        final Settings settings = Settings.of(settingsMap(s));
        final Pipeline pipeline = new Pipeline();
        try {
            pipeline.audit = AuditService.start(AuditConfig.from(settings));
            pipeline.started.push(pipeline.audit);
            pipeline.processor = ProcessorService.start(ProcessorConfig.from(settings));
            pipeline.started.push(pipeline.processor);
            pipeline.notifier = NotifierService.start(NotifierConfig.from(settings));
            pipeline.started.push(pipeline.notifier);
            pipeline.api = ApiService.start(ApiConfig.from(settings));
            pipeline.started.push(pipeline.api);
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /** The settings every service reads, as {@link #start} passes them (tests start instances of their own with them). */
    static Map<String, String> settingsMap(final PipelineSettings s) {
        final Map<String, String> m = new HashMap<>();
        m.put(KafkaConnection.BOOTSTRAP_SERVERS.name(), s.bootstrapServers());
        m.put(AuditConfig.JDBC_URL.name(), s.jdbcUrl());
        m.put(AuditConfig.JDBC_USER.name(), s.jdbcUser());
        if (s.jdbcPasswordFile() != null) {
            m.put(AuditConfig.JDBC_PASSWORD_FILE.name(), s.jdbcPasswordFile().toString());
        }
        m.put(NotifierConfig.SMTP_HOST.name(), s.smtpHost());
        m.put(NotifierConfig.SMTP_PORT.name(), Integer.toString(s.smtpPort()));
        m.put(NotifierConfig.SMTP_FROM.name(), "otp@localhost");
        m.put(NotifierConfig.HTTP_PORT.name(), "0");
        m.put(ProcessorConfig.HTTP_PORT.name(), "0");
        m.put(AuditConfig.HTTP_PORT.name(), "0");
        m.put(ApiConfig.PORT.name(), Integer.toString(s.apiPort()));
        m.put(ProcessorConfig.STATE_DIR.name(), s.stateDir().toString());
        m.put(ProcessorConfig.COMMIT_INTERVAL_MS.name(), Long.toString(s.commitIntervalMs()));
        m.put(SharedSettings.COMMAND_KEYRING_FILE.name(), s.secrets().commandKeyring().toString());
        m.put(SharedSettings.DELIVERY_KEYRING_FILE.name(), s.secrets().deliveryKeyring().toString());
        m.put(ProcessorConfig.PEPPER_KEYRING_FILE.name(), s.secrets().pepperKeyring().toString());
        m.put(ProcessorConfig.FACTOR_KEYRING_FILE.name(), s.secrets().factorKeyring().toString());
        m.put(ApiConfig.API_KEYS_FILE.name(), s.secrets().apiKeys().toString());
        if (Files.exists(s.secrets().twilioServiceSidFile())) {
            m.putAll(s.secrets().twilioSettings());
        }
        m.putAll(s.overrides());
        return m;
    }

    /** The API's bound port. */
    public int apiPort() {
        return api.port();
    }

    /**
     * The metrics ports of the four services, by service name ({@code /metrics} on each; otp-api's is its API
     * port).
     */
    public Map<String, Integer> metricsPorts() {
        return Map.of("otp-api", api.port(), "otp-processor", processor.httpPort(), "otp-notifier",
                notifier.httpPort(), "otp-audit", audit.httpPort());
    }

    /** Whether all four services are ready ({@link ServiceLifecycle#isReady()} of each). */
    public boolean isReady() {
        return started.size() == 4 && started.stream().allMatch(ServiceLifecycle::isReady);
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                LOG.warn("service did not stop cleanly", e);
            }
        }
    }
}
