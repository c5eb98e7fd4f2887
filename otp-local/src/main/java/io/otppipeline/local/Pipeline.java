package io.otppipeline.local;

import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.audit.AuditService;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.notifier.NotifierService;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.processor.ProcessorService;
import io.otppipeline.schemas.config.Settings;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four services in one JVM, configured through the same settings keys they read from their own
 * properties files. Closing stops them in reverse start order.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
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
        m.put("kafka.bootstrap.servers", s.bootstrapServers());
        m.put("audit.jdbc.url", s.jdbcUrl());
        m.put("audit.jdbc.user", s.jdbcUser());
        if (s.jdbcPasswordFile() != null) {
            m.put("secrets.audit.jdbc.password.file", s.jdbcPasswordFile().toString());
        }
        m.put("smtp.host", s.smtpHost());
        m.put("smtp.port", Integer.toString(s.smtpPort()));
        m.put("smtp.from", "otp@localhost");
        m.put("notifier.http.port", "0");
        m.put("processor.http.port", "0");
        m.put("audit.http.port", "0");
        m.put("api.port", Integer.toString(s.apiPort()));
        m.put("processor.state.dir", s.stateDir().toString());
        m.put("processor.commit.interval.ms", Long.toString(s.commitIntervalMs()));
        m.put("secrets.command.keyring.file", s.secrets().commandKeyring().toString());
        m.put("secrets.delivery.keyring.file", s.secrets().deliveryKeyring().toString());
        m.put("secrets.pepper.keyring.file", s.secrets().pepperKeyring().toString());
        m.put("secrets.factor.keyring.file", s.secrets().factorKeyring().toString());
        m.put("secrets.api.keys.file", s.secrets().apiKeys().toString());
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

    /** Whether all four services are up: the API reads its replies, the processor runs, notifier and audit consume. */
    public boolean isReady() {
        return api != null && api.isReady() && processor.isRunning() && notifier.isRunning() && audit.isAlive();
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
