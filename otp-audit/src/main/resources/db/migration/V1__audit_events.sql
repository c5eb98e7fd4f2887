-- The audit log: one row per public event of otp.events.v1, written once (event_id is unique).
-- Rows hold what the event holds: never a code, a hash of a code, or a raw destination.
CREATE TABLE audit_event (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        UUID        NOT NULL UNIQUE,
    event_type      TEXT        NOT NULL,
    source          TEXT        NOT NULL,
    tenant_id       TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    event_time      TIMESTAMPTZ NOT NULL,
    kafka_partition INT         NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    payload         JSONB       NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (kafka_partition, kafka_offset)
);

CREATE INDEX audit_event_subject_idx ON audit_event (tenant_id, subject, event_time);

-- Records of otp.events.v1 that are not valid CloudEvents: kept by position so nothing is lost silently.
CREATE TABLE audit_rejected (
    kafka_partition INT         NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    reason          TEXT        NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_partition, kafka_offset)
);

-- The sink's Kafka position, written in the same transaction as the rows: the source of truth on start-up.
CREATE TABLE audit_consumer_offset (
    topic           TEXT   NOT NULL,
    kafka_partition INT    NOT NULL,
    next_offset     BIGINT NOT NULL,
    PRIMARY KEY (topic, kafka_partition)
);
