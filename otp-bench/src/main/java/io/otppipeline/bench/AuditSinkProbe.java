package io.otppipeline.bench;

import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.VerificationCompletedData;
import io.otppipeline.schemas.kafka.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures the audit sink of a running pipeline ({@code ./otp local}): publishes N verification events straight to
 * {@code otp.events.v1}, then prints how fast the rows arrive in PostgreSQL: the sink alone, without the
 * processor in front of it ({@code ./otp bench} measures it inside the pipeline). Run with otp-bench's class path:
 * {@code java -cp otp-bench/target/classes:$(cat otp-bench/target/classpath.txt) io.otppipeline.bench.AuditSinkProbe
 * 127.0.0.1:9092 jdbc:postgresql://127.0.0.1:5433/postgres?user=postgres 200000}
 * (arguments: bootstrap servers, JDBC URL of the audit database, number of events).
 */
public final class AuditSinkProbe {

    private AuditSinkProbe() {
    }

    /** @param args bootstrap servers, JDBC URL, number of events */
    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final String jdbcUrl = args[1];
        final int events = Integer.parseInt(args[2]);
        final long before = rows(jdbcUrl);
        final long published = publish(bootstrap, events);
        long first = 0;
        long now = before;
        while (now < before + events) {
            Thread.sleep(200);
            now = rows(jdbcUrl);
            if (first == 0 && now > before) {
                first = System.nanoTime();
            }
        }
        final double seconds = (System.nanoTime() - first) / 1e9;
        System.out.printf(Locale.ROOT, "published %d events in %.1f s; audit sink wrote them at %.0f events/s "
                + "(first row to last row, %.1f s)%n", events, published / 1e9, events / seconds, seconds);
    }

    private static long publish(final String bootstrap, final int events) {
        final long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 262_144), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                final String user = "load-" + (i % 100_000);
                final CloudEvent event = CloudEvent.of("/otp-processor", EventTypes.VERIFICATION_COMPLETED, "demo",
                        user, Instant.now(), new VerificationCompletedData(UUID.randomUUID().toString(),
                                UUID.randomUUID().toString(), "login", "denied", 1, 4, 1, null, null));
                producer.send(new ProducerRecord<>(Topics.EVENTS.name(), Topics.userKey("demo", user),
                        Json.mapper().writeValueAsBytes(event)));
            }
            producer.flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return System.nanoTime() - start;
    }

    private static long rows(final String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
