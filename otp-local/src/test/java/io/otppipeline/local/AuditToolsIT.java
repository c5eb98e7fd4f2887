package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.TopicScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code ./otp audit replay | rebuild | verify} against the live pipeline's topic and audit database: traffic of a
 * dozen users goes through the API, then the tools run as the CLI runs them.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class AuditToolsIT {

    private static final int USERS = 12;

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;
    private static Path passwordFile;
    private static List<ConsumerRecord<byte[], byte[]>> published;

    @BeforeAll
    static void produceTrafficAndAwaitAudit() throws Exception {
        fixture = PipelineFixture.start(dir, Map.of());
        if (fixture.infra.jdbcPassword() != null) {
            passwordFile = dir.resolve("jdbc-password");
            Files.writeString(passwordFile, fixture.infra.jdbcPassword());
        }
        final List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            final String user = "analyst-" + i;
            fixture.post("/v1/otp", "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\"" + user
                    + "@example.test\",\"purpose\":\"login\"}");
            if (i % 2 == 0) {
                calls.add(fixture.postAsync("/v1/otp/verify", "{\"userId\":\"" + user
                        + "\",\"purpose\":\"login\",\"code\":\"000000\"}", fixture.secrets.apiKey(), null));
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        await().atMost(Duration.ofSeconds(60)).until(() -> events().stream()
                .filter(r -> type(r).equals(EventTypes.DELIVERY_SENT)).count() == USERS);
        published = events();
        await().atMost(Duration.ofSeconds(60)).until(() -> count(fixture.infra.jdbcUrl(),
                "SELECT count(*) FROM audit_event") == published.size());
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldReplayExactlyEventsAtOrAfterTimestampInPartitionOrderWhenFromIsGiven() {
        final List<Long> times = published.stream().map(ConsumerRecord::timestamp).sorted().toList();
        final Instant from = Instant.ofEpochMilli(times.get(times.size() / 2));

        final CliRun run = CliRun.of("audit", "replay", "--bootstrap-servers", fixture.infra.bootstrapServers(),
                "--from", from.toString());

        final Map<Integer, List<String>> expected = byPartition(published.stream()
                .filter(r -> r.timestamp() >= from.toEpochMilli())
                .map(r -> json(r.value())).toList());
        assertThat(run.exitCode()).isZero();
        assertThat(byPartition(lines(run))).isEqualTo(expected);
        assertThat(expected.values().stream().mapToInt(List::size).sum())
                .isLessThan(published.size()).isGreaterThan(0);
        assertThat(run.err()).contains("replay: " + lines(run).size() + " events written");
    }

    @Test
    void shouldReplayOnlyThatUsersEventsOfThatTypeWhenFiltered() {
        final CliRun run = CliRun.of("audit", "replay", "--bootstrap-servers", fixture.infra.bootstrapServers(),
                "--from", "2000-01-01T00:00:00Z", "--user", "analyst-4", "--type", EventTypes.VERIFICATION_COMPLETED);

        assertThat(run.exitCode()).isZero();
        assertThat(lines(run)).hasSize(1);
        assertThat(lines(run).get(0).path("subject").asText()).isEqualTo("analyst-4");
        assertThat(lines(run).get(0).path("data").path("outcome").asText()).isEqualTo("denied");
    }

    @Test
    void shouldRefuseReplayWhenFromIsNotIsoTime() {
        final CliRun run = CliRun.of("audit", "replay", "--bootstrap-servers", fixture.infra.bootstrapServers(),
                "--from", "yesterday");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("not an ISO-8601 time");
    }

    @Test
    void shouldEqualLiveLogAndVerifyWhenTopicIsRebuiltIntoEmptyDatabase() throws SQLException {
        final String rebuilt = createDatabase("rebuilt");

        final CliRun rebuild = CliRun.of(withLogin("audit", "rebuild", "--bootstrap-servers", fixture.infra.bootstrapServers(),
                "--jdbc-url", rebuilt));
        final CliRun verifyRebuilt = CliRun.of(withLogin("audit", "verify", "--jdbc-url", rebuilt));
        final CliRun verifyLive = CliRun.of(withLogin("audit", "verify", "--jdbc-url", fixture.infra.jdbcUrl()));

        assertThat(rebuild.exitCode()).as(rebuild.err()).isZero();
        assertThat(rows(rebuilt)).hasSize(published.size()).isEqualTo(rows(fixture.infra.jdbcUrl()));
        assertThat(verifyRebuilt.exitCode()).as(verifyRebuilt.out()).isZero();
        assertThat(verifyRebuilt.out()).contains("every chain intact");
        assertThat(verifyLive.exitCode()).as(verifyLive.out()).isZero();
    }

    @Test
    void shouldRefuseRebuildWhenTargetDatabaseHoldsRows() {
        final CliRun run = CliRun.of(withLogin("audit", "rebuild", "--bootstrap-servers", fixture.infra.bootstrapServers(),
                "--jdbc-url", fixture.infra.jdbcUrl()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("already holds");
    }

    @Test
    void shouldExitNonZeroNamingRowWhenSuperuserDeletedOne() throws SQLException {
        final String copy = createDatabase("tampered");
        assertThat(CliRun.of(withLogin("audit", "rebuild", "--bootstrap-servers", fixture.infra.bootstrapServers(),
                "--jdbc-url", copy)).exitCode()).isZero();
        final int partition = busiestPartition();
        try (Connection c = connect(copy); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            s.execute("DELETE FROM audit_event WHERE kafka_partition = " + partition + " AND seq = 2");
        }

        final CliRun verify = CliRun.of(withLogin("audit", "verify", "--jdbc-url", copy));

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("BROKEN partition " + partition + " seq 3 ").contains("GAP");
    }

    /** Output of one CLI run. */
    private static List<JsonNode> lines(final CliRun run) {
        return run.out().lines().filter(l -> !l.isBlank()).map(AuditToolsIT::json).toList();
    }

    private static String[] withLogin(final String... args) {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-user", fixture.infra.jdbcUser()));
        if (passwordFile != null) {
            all.addAll(List.of("--jdbc-password-file", passwordFile.toString()));
        }
        return all.toArray(String[]::new);
    }

    /** Event ids per partition, in the order given. */
    private static Map<Integer, List<String>> byPartition(final List<JsonNode> events) {
        return events.stream().collect(Collectors.groupingBy(e -> partitionOf(e), TreeMap::new,
                Collectors.mapping(e -> e.path("id").asText(), Collectors.toList())));
    }

    private static int partitionOf(final JsonNode event) {
        final byte[] key = Topics.userKey(event.path("tenantid").asText(), event.path("subject").asText())
                .getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % Topics.EVENTS.partitions();
    }

    private static int busiestPartition() {
        return published.stream().collect(Collectors.groupingBy(ConsumerRecord::partition, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static List<ConsumerRecord<byte[], byte[]>> events() throws Exception {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(
                TopicScanner.readCommitted(fixture.infra.bootstrapServers(), Set.of(Topics.EVENTS.name())));
        records.sort(Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                .thenComparing(ConsumerRecord::offset));
        return records;
    }

    private static String type(final ConsumerRecord<byte[], byte[]> record) {
        return json(record.value()).path("type").asText();
    }

    private static JsonNode json(final byte[] value) {
        return json(new String(value, StandardCharsets.UTF_8));
    }

    private static JsonNode json(final String value) {
        try {
            return Json.mapper().readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates a database next to the live one; returns its JDBC URL. */
    private static String createDatabase(final String name) throws SQLException {
        try (Connection c = connect(fixture.infra.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return fixture.infra.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    private static List<List<String>> rows(final String url) throws SQLException {
        final List<List<String>> rows = new ArrayList<>();
        try (Connection c = connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kafka_partition, seq, kafka_offset, event_id, event_type, source, "
                     + "tenant_id, subject, event_time, payload::text, encode(prev_hash, 'hex'), encode(hash, 'hex') "
                     + "FROM audit_event ORDER BY kafka_partition, seq")) {
            while (rs.next()) {
                final List<String> row = new ArrayList<>();
                for (int i = 1; i <= 12; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static long count(final String url, final String sql) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect(final String url) throws SQLException {
        return fixture.infra.connect(url);
    }
}
