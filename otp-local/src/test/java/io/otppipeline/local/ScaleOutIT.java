package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processor instances and two API instances share the partitions of one broker (docs/OPERATIONS.md), and each
 * of the four is restarted in turn under a {@link VerifyingLoad} (codes requested and verified through either API,
 * as behind a load balancer that takes an instance out of rotation and lets its requests finish before stopping
 * it). A processor instance is stopped with a group leave and replaced by one with an empty state directory (it
 * restores from the changelogs). Prints the counts per phase; every request must be answered without a 5xx and
 * every code approved.
 */
class ScaleOutIT {

    private static final int RATE = 10;

    @TempDir
    Path dir;

    private final List<ApiService> inRotation = new CopyOnWriteArrayList<>();
    private final Map<ApiService, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger picks = new AtomicInteger();

    @Test
    void shouldAnswerEveryRequestAndApproveEveryCodeWhenEachInstanceIsRestartedInTurnUnderLoad() throws Exception {
        final VerifyingLoad load;
        try (TestInfrastructure infra = TestInfrastructure.start()) {
            final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)
                    .dynamicPort());
            smtp.start();
            final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
            final Map<String, String> base = Pipeline.settingsMap(new PipelineSettings(infra.bootstrapServers(),
                    infra.jdbcUrl(), infra.jdbcUser(), passwordFile(infra), "127.0.0.1", smtp.getSmtp().getPort(), 0,
                    secrets, dir.resolve("state"), 100, Map.of("api.reply.timeout.ms", "10000")));
            final List<AutoCloseable> running = new ArrayList<>();
            final ProcessorService[] processors = new ProcessorService[2];
            final ApiService[] apis = new ApiService[2];
            try {
                running.add(AuditService.start(AuditConfig.from(Settings.of(base))));
                running.add(NotifierService.start(NotifierConfig.from(Settings.of(base))));
                for (int i = 0; i < 2; i++) {
                    processors[i] = processor(base, "p" + i);
                    apis[i] = ApiService.start(ApiConfig.from(Settings.of(base)));
                    inFlight.put(apis[i], new AtomicInteger());
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> processors[0].isRunning()
                        && processors[1].isRunning() && apis[0].isReady() && apis[1].isReady());
                inRotation.addAll(List.of(apis));
                load = new VerifyingLoad(smtp, secrets.apiKey(), this::pick, "scale-", RATE);
                try {
                    load.settle(5);
                    for (int i = 0; i < 2; i++) {
                        load.phase("processor " + i + " restarted");
                        processors[i].close();
                        processors[i] = processor(base, "p" + i + "-new");
                        final ProcessorService restarted = processors[i];
                        await().atMost(Duration.ofSeconds(120)).until(restarted::isRunning);
                        load.settle(5);
                    }
                    for (int i = 0; i < 2; i++) {
                        load.phase("api " + i + " restarted");
                        final ApiService old = apis[i];
                        inRotation.remove(old);
                        await().atMost(Duration.ofSeconds(30)).until(() -> inFlight.get(old).get() == 0);
                        old.close();
                        apis[i] = ApiService.start(ApiConfig.from(Settings.of(base)));
                        final ApiService fresh = apis[i];
                        await().atMost(Duration.ofSeconds(60)).until(fresh::isReady);
                        inFlight.put(fresh, new AtomicInteger());
                        inRotation.add(fresh);
                        load.settle(5);
                    }
                    load.phase("after");
                    load.settle(3);
                    load.finish();
                } finally {
                    load.close();
                }
            } finally {
                running.addAll(List.of(processors));
                running.addAll(List.of(apis));
                for (AutoCloseable c : running) {
                    if (c != null) {
                        c.close();
                    }
                }
                smtp.stop();
            }
        }
        System.out.println("ScaleOutIT: " + load.requested() + " code requests at " + RATE + "/s over two API and "
                + "two processor instances, each restarted in turn");
        load.print("ScaleOutIT");
        assertThat(load.total("5xx") + load.total("error")).as("5xx or transport errors").isZero();
        assertThat(load.total("not approved")).as("right codes not approved").isZero();
        assertThat(load.total("verified")).as("every code requested was issued and verified")
                .isEqualTo(load.requested()).isGreaterThan(RATE * 20);
    }

    /** A load balancer's pick: counted in flight before it is sent, and only while in rotation. */
    private VerifyingLoad.Target pick() {
        while (true) {
            final ApiService api = inRotation.get(Math.floorMod(picks.getAndIncrement(), inRotation.size()));
            final AtomicInteger flying = inFlight.get(api);
            flying.incrementAndGet();
            if (inRotation.contains(api)) {
                return new VerifyingLoad.Target(api.port(), flying::decrementAndGet);
            }
            flying.decrementAndGet();
        }
    }

    private ProcessorService processor(final Map<String, String> base, final String name) {
        final Map<String, String> s = new HashMap<>(base);
        s.put("processor.state.dir", dir.resolve("state-" + name).toString());
        return ProcessorService.start(ProcessorConfig.from(Settings.of(s)));
    }

    private Path passwordFile(final TestInfrastructure infra) throws Exception {
        if (infra.jdbcPassword() == null) {
            return null;
        }
        final Path file = dir.resolve("secrets/jdbc-password");
        Files.writeString(file, infra.jdbcPassword());
        return file;
    }
}
