package io.otppipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditStoreTest {

    @RegisterExtension
    static final AuditDatabases DATABASES = new AuditDatabases();

    private HikariDataSource writer;
    private AuditSinkDriver sink;

    @BeforeEach
    void freshDatabase() throws SQLException {
        writer = AuditDatabases.writer(DATABASES.freshDatabase());
        sink = new AuditSinkDriver(writer);
    }

    @AfterEach
    void closePool() {
        writer.close();
    }

    @Test
    void shouldContinueAfterLastStoredOffsetWhenPartitionIsAssignedAgain() throws SQLException {
        sink.write(AuditDatabases.records(0, 10, 3));
        sink.write(AuditDatabases.records(3, 7, 1));

        final Map<Integer, AuditStore.Position> positions = new AuditStore(writer).positions(List.of(0, 3, 5));

        assertThat(positions.get(0).nextOffset()).isEqualTo(15);
        assertThat(positions.get(0).head().seq()).isEqualTo(3);
        assertThat(positions.get(3).nextOffset()).isEqualTo(8);
        assertThat(positions.get(5).nextOffset()).isZero();
        assertThat(positions.get(5).head().hash()).isEqualTo(new byte[32]);
    }

    @Test
    void shouldNumberEachPartitionFromOneWhenRowsArrive() throws SQLException {
        sink.write(AuditDatabases.records(0, 0, 3));
        sink.write(AuditDatabases.records(1, 0, 2));
        sink.write(AuditDatabases.records(0, 6, 2));

        assertThat(AuditDatabases.count(writer, "SELECT max(seq) FROM audit_event WHERE kafka_partition = 0"))
                .isEqualTo(5);
        assertThat(AuditDatabases.count(writer, "SELECT max(seq) FROM audit_event WHERE kafka_partition = 1"))
                .isEqualTo(2);
        assertThat(new AuditVerifier(writer).verify().findings()).isEmpty();
    }

    @Test
    void shouldChainEventOnceWhenSameEventIdIsPublishedAgain() throws SQLException {
        final AuditStore.Incoming original = AuditDatabases.records(2, 4, 1).get(0);
        sink.write(List.of(original, new AuditStore.Incoming(2, 9, original.value())));
        sink.write(List.of(new AuditStore.Incoming(2, 12, original.value())));

        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_event")).isEqualTo(1);
        assertThat(AuditDatabases.count(writer,
                "SELECT count(*) FROM audit_rejected WHERE reason LIKE 'duplicate event id %'")).isEqualTo(2);
        assertThat(new AuditStore(writer).positions(List.of(2)).get(2).nextOffset()).isEqualTo(13);
    }

    @Test
    void shouldKeepPositionWithoutChainingWhenRecordIsNotACloudEvent() throws SQLException {
        final List<AuditStore.Incoming> batch = new ArrayList<>(AuditDatabases.records(1, 0, 1));
        batch.add(new AuditStore.Incoming(1, 1, "not json".getBytes(StandardCharsets.UTF_8)));
        batch.add(new AuditStore.Incoming(1, 2, "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        batch.add(new AuditStore.Incoming(1, 3, "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)));
        batch.add(new AuditStore.Incoming(1, 4, null));
        sink.write(batch);

        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_rejected")).isEqualTo(4);
        assertThat(new AuditStore(writer).positions(List.of(1)).get(1).nextOffset()).isEqualTo(5);
        assertThat(new AuditVerifier(writer).verify().findings()).isEmpty();
    }

    @Test
    void shouldRejectEventWithUnpairedSurrogateAndChainTheRestWhenOneEventCannotBeStored() throws SQLException {
        final List<AuditStore.Incoming> batch = new ArrayList<>(AuditDatabases.records(3, 0, 1));
        final String good = new String(AuditDatabases.records(3, 1, 1).get(0).value(), StandardCharsets.UTF_8);
        final String poison = good.replace("\"login\"", "\"login\",\"agent\":\"\\ud800\"");
        batch.add(new AuditStore.Incoming(3, 1, poison.getBytes(StandardCharsets.UTF_8)));
        batch.addAll(AuditDatabases.records(3, 2, 1));

        sink.write(batch); // one PostgreSQL would refuse used to fail the batch on every retry

        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_event")).isEqualTo(2);
        assertThat(AuditDatabases.count(writer,
                "SELECT count(*) FROM audit_rejected WHERE reason LIKE 'text PostgreSQL cannot store%'")).isEqualTo(1);
        assertThat(new AuditVerifier(writer).verify().findings()).isEmpty();
    }

    @Test
    void shouldChainEventWhenItsTextMerelyContainsBackslashU0000() throws SQLException {
        final String good = new String(AuditDatabases.records(5, 0, 1).get(0).value(), StandardCharsets.UTF_8);
        // the six characters \u0000 typed by a client (escaped backslash in JSON): text, not a NUL
        final String typed = good.replace("\"login\"", "\"login\",\"agent\":\"\\\\u0000\"");

        sink.write(List.of(new AuditStore.Incoming(5, 0, typed.getBytes(StandardCharsets.UTF_8))));

        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_event")).isEqualTo(1);
        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_rejected")).isZero();
    }

    @Test
    void shouldWriteNothingWhenAnotherWriterAppendedToSamePartitionMeanwhile() throws SQLException {
        final AuditSinkDriver zombie = new AuditSinkDriver(writer);
        sink.write(AuditDatabases.records(4, 0, 2));

        assertThatThrownBy(() -> zombie.write(AuditDatabases.records(4, 2, 2))).isInstanceOf(SQLException.class);

        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_event")).isEqualTo(2);
        assertThat(new AuditVerifier(writer).verify().findings()).isEmpty();
    }

    /** Drives {@link AuditStore} the way {@link AuditSink} does: heads loaded once, moved after each commit. */
    static final class AuditSinkDriver {
        private final AuditStore store;
        private final Map<Integer, AuditChain.Head> heads = new java.util.HashMap<>();

        AuditSinkDriver(final HikariDataSource dataSource) throws SQLException {
            this.store = new AuditStore(dataSource);
            store.positions(List.of(0, 1, 2, 3, 4, 5)).forEach((p, position) -> heads.put(p, position.head()));
        }

        void write(final List<AuditStore.Incoming> records) throws SQLException {
            heads.putAll(store.write(records, heads, WriteListener.NONE));
        }
    }
}
