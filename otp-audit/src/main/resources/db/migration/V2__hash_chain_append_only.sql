-- The audit log becomes tamper-evident and append-only (ARCHITECTURE section 8, docs/EVENTS.md "Audit log").
--
-- Rows written by V1 had no hash chain. They are kept, renamed, and the sink reads otp.events.v1 (unlimited
-- retention) again from the beginning into the chained table: its position is now derived from the rows
-- themselves, and the new tables start empty.
ALTER TABLE audit_event RENAME TO audit_event_unchained_v1;
ALTER TABLE audit_rejected RENAME TO audit_rejected_unchained_v1;
ALTER INDEX audit_event_pkey RENAME TO audit_event_unchained_v1_pkey;
ALTER INDEX audit_event_event_id_key RENAME TO audit_event_unchained_v1_event_id_key;
ALTER INDEX audit_event_kafka_partition_kafka_offset_key RENAME TO audit_event_unchained_v1_position_key;
ALTER INDEX audit_event_subject_idx RENAME TO audit_event_unchained_v1_subject_idx;
ALTER INDEX audit_rejected_pkey RENAME TO audit_rejected_unchained_v1_pkey;
DROP TABLE audit_consumer_offset;

-- One row per public event, written once (event_id is unique), chained per Kafka partition:
--   seq       1, 2, 3, ... per partition, without gaps
--   prev_hash hash of the row before in the same partition; 32 zero bytes for seq 1
--   hash      SHA-256(prev_hash || canonical bytes), canonical bytes as documented in docs/EVENTS.md
-- payload is the record value exactly as published (every attribute, not only the ones we parse);
-- the other event columns are copies of its attributes for queries, checked by `./otp audit verify`.
CREATE TABLE audit_event (
    kafka_partition INT         NOT NULL,
    seq             BIGINT      NOT NULL CHECK (seq > 0),
    kafka_offset    BIGINT      NOT NULL,
    event_id        UUID        NOT NULL UNIQUE,
    event_type      TEXT        NOT NULL,
    source          TEXT        NOT NULL,
    tenant_id       TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    event_time      TIMESTAMPTZ NOT NULL,
    payload         JSONB       NOT NULL,
    prev_hash       BYTEA       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash            BYTEA       NOT NULL CHECK (octet_length(hash) = 32),
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_partition, seq),
    UNIQUE (kafka_partition, kafka_offset)
);

CREATE INDEX audit_event_subject_idx ON audit_event (tenant_id, subject, event_time);
CREATE INDEX audit_event_time_idx ON audit_event (event_time);

-- Records of otp.events.v1 that are not chained, kept by position so nothing is lost silently:
-- not a CloudEvent, an incomplete one, or a second copy of an event id already in audit_event.
CREATE TABLE audit_rejected (
    kafka_partition INT         NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    reason          TEXT        NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_partition, kafka_offset)
);

-- Immutability in the database itself: no UPDATE, DELETE or TRUNCATE, whoever asks. A superuser can still
-- disable the trigger; the hash chain is what shows that it happened.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_rejected_append_only BEFORE UPDATE OR DELETE ON audit_rejected
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_rejected_no_truncate BEFORE TRUNCATE ON audit_rejected
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Roles (cluster-wide, created once): otp-audit runs every statement as otp_audit_writer (SET ROLE), which can
-- only read and append; analysts' tools use otp_audit_reader. Give a login user one of them with
-- GRANT otp_audit_writer TO <user>.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'otp_audit_writer') THEN
        CREATE ROLE otp_audit_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'otp_audit_reader') THEN
        CREATE ROLE otp_audit_reader NOLOGIN;
    END IF;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO otp_audit_writer, otp_audit_reader', current_schema());
END
$$;
GRANT SELECT, INSERT ON audit_event, audit_rejected TO otp_audit_writer;
GRANT SELECT ON audit_event, audit_rejected TO otp_audit_reader;
