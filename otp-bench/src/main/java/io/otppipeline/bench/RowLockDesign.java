package io.otppipeline.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.processor.domain.LockoutRules;
import io.otppipeline.processor.domain.PurposeRules;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.delivery.DeliverySecret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The design this project replaces, built faithfully so that it can be measured (R0 in docs/ARCHITECTURE.md
 * section 13: "Transaction Safety with Row-Level Locking"): every request and every verification is one PostgreSQL transaction that
 * locks the user's row ({@code SELECT ... FOR UPDATE}), locks the code's row, compares, updates attempts,
 * lockout and consumption, and inserts an audit row. Issuance writes the sealed code to an outbox table in the
 * same transaction (the old design sent mail inline; the outbox is the part that costs the database).
 *
 * <p>Rules are the processor's defaults, read from PurposeRules and LockoutRules: 5 wrong guesses kill a code; 10
 * failures in 15 minutes lock the user for 15 minutes, doubling per level; 3 codes per 15 minutes; 60 seconds
 * between codes.
 * Codes are stored as HMAC-SHA-256(pepper, otpId, code) and compared in constant time, as in the processor.
 */
final class RowLockDesign {

    /** Answer of one call: the decision (processor spelling) and, for an issued code, its id and digits. */
    record Answer(String status, String otpId, String code) {
        static Answer of(final String status) {
            return new Answer(status, null, null);
        }
    }

    // the processor's defaults, read from where they are defined, so that both designs decide alike
    private static final int MAX_ATTEMPTS = PurposeRules.DEFAULTS.maxFailedAttempts();
    private static final int LOCK_FAILURES = LockoutRules.DEFAULTS.maxFailures();
    private static final long FAILURE_WINDOW_S = LockoutRules.DEFAULTS.windowSeconds();
    private static final long LOCK_BASE_S = LockoutRules.DEFAULTS.baseLockSeconds();
    private static final long LOCK_MAX_S = LockoutRules.DEFAULTS.maxLockSeconds();
    private static final int SEND_LIMIT = PurposeRules.DEFAULTS.sendLimit();
    private static final long SEND_WINDOW_S = PurposeRules.DEFAULTS.sendWindowSeconds();
    private static final long COOLDOWN_S = PurposeRules.DEFAULTS.resendCooldownSeconds();

    private static final String DDL = """
            DROP SCHEMA IF EXISTS rowlock CASCADE;
            CREATE SCHEMA rowlock;
            CREATE TABLE rowlock.users (
              tenant_id text NOT NULL, user_id text NOT NULL,
              login_locked_until timestamptz, lockout_level int NOT NULL DEFAULT 0,
              failures int NOT NULL DEFAULT 0, failure_window_start timestamptz,
              PRIMARY KEY (tenant_id, user_id));
            CREATE TABLE rowlock.otp_verifications (
              id uuid PRIMARY KEY, tenant_id text NOT NULL, user_id text NOT NULL, purpose text NOT NULL,
              code_hash text NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
              attempts int NOT NULL DEFAULT 0, consumed_at timestamptz, superseded_at timestamptz);
            CREATE INDEX otp_live ON rowlock.otp_verifications (tenant_id, user_id, purpose)
              WHERE consumed_at IS NULL AND superseded_at IS NULL;
            CREATE INDEX otp_sent ON rowlock.otp_verifications (tenant_id, user_id, created_at);
            CREATE TABLE rowlock.delivery_outbox (
              id bigserial PRIMARY KEY, otp_id uuid NOT NULL, channel text NOT NULL, sealed text NOT NULL,
              created_at timestamptz NOT NULL);
            CREATE TABLE rowlock.audit_events (
              id bigserial PRIMARY KEY, tenant_id text NOT NULL, user_id text NOT NULL, event_type text NOT NULL,
              details jsonb NOT NULL, created_at timestamptz NOT NULL);
            """;

    private final DataSource pool;
    private final Mac pepper;
    private final Aead delivery;
    private final long lifetimeSeconds;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param pool connections to the database holding schema {@code rowlock}
     * @param pepper HMAC of stored codes
     * @param delivery seals the outbox row's code and destination
     * @param lifetimeSeconds how long a code is accepted, in seconds
     */
    RowLockDesign(final DataSource pool, final Mac pepper, final Aead delivery, final long lifetimeSeconds) {
        this.pool = pool;
        this.pepper = pepper;
        this.delivery = delivery;
        this.lifetimeSeconds = lifetimeSeconds;
    }

    /** Drops and creates schema {@code rowlock}. */
    static void createSchema(final DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(DDL);
        }
    }

    /**
     * Issues a code: one transaction (lock user, check lockout and send limits, supersede, insert code, outbox
     * and audit rows).
     *
     * @return {@code pending} with the code, or {@code locked} / {@code rate_limited}
     * @throws SQLException on any database error (the transaction is rolled back)
     */
    Answer issue(final String tenant, final String user, final String purpose, final String destination)
            throws SQLException {
        return inTransaction(c -> issue(c, tenant, user, purpose, destination, Instant.now()));
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction on a pooled connection: commit, or roll back and rethrow. */
    private <T> T inTransaction(final Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                final T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Answer issue(final Connection c, final String tenant, final String user, final String purpose,
                         final String destination, final Instant now) throws SQLException {
        update(c, "INSERT INTO rowlock.users (tenant_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                tenant, user);
        final UserRow row = lockUser(c, tenant, user);
        if (row.lockedUntil() != null && row.lockedUntil().isAfter(now)) {
            audit(c, tenant, user, "otp.request.refused", "{\"reason\":\"locked\"}", now);
            return Answer.of("locked");
        }
        if (!maySend(c, tenant, user, purpose, now)) {
            audit(c, tenant, user, "otp.request.refused", "{\"reason\":\"rate_limited\"}", now);
            return Answer.of("rate_limited");
        }
        update(c, "UPDATE rowlock.otp_verifications SET superseded_at = ? WHERE tenant_id = ? AND user_id = ? "
                + "AND purpose = ? AND consumed_at IS NULL AND superseded_at IS NULL", ts(now), tenant, user, purpose);
        final String otpId = UUID.randomUUID().toString();
        final String code = String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
        update(c, "INSERT INTO rowlock.otp_verifications (id, tenant_id, user_id, purpose, code_hash, created_at, "
                + "expires_at) VALUES (?::uuid, ?, ?, ?, ?, ?, ?)", otpId, tenant, user, purpose,
                pepper.sign(pepper.activeKid(), otpId, code), ts(now), ts(now.plusSeconds(lifetimeSeconds)));
        final byte[] secret = toJson(new DeliverySecret(code, destination)).getBytes(StandardCharsets.UTF_8);
        update(c, "INSERT INTO rowlock.delivery_outbox (otp_id, channel, sealed, created_at) VALUES (?::uuid, ?, ?, ?)",
                otpId, "email", toJson(
                        delivery.seal(secret, otpId.getBytes(StandardCharsets.UTF_8))), ts(now));
        audit(c, tenant, user, "otp.issued", "{\"otpId\":\"" + otpId + "\",\"purpose\":\"" + purpose + "\"}", now);
        return new Answer("pending", otpId, code);
    }

    private static boolean maySend(final Connection c, final String tenant, final String user, final String purpose,
                                   final Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*), max(created_at) FILTER (WHERE purpose = ?) "
                + "FROM rowlock.otp_verifications WHERE tenant_id = ? AND user_id = ? AND created_at > ?")) {
            s.setString(1, purpose);
            s.setString(2, tenant);
            s.setString(3, user);
            s.setTimestamp(4, ts(now.minusSeconds(SEND_WINDOW_S)));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                final Timestamp last = r.getTimestamp(2);
                return r.getInt(1) < SEND_LIMIT
                        && (last == null || !last.toInstant().plusSeconds(COOLDOWN_S).isAfter(now));
            }
        }
    }

    /**
     * Verifies a code: one transaction (lock user, lock the live code, compare, update, audit).
     *
     * @return {@code approved}, {@code denied}, {@code locked}, {@code expired}, {@code max_attempts} or
     *     {@code not_found}
     * @throws SQLException on any database error (the transaction is rolled back)
     */
    String verify(final String tenant, final String user, final String purpose, final String code)
            throws SQLException {
        return inTransaction(c -> {
            final Instant now = Instant.now();
            final String status = verify(c, tenant, user, purpose, code, now);
            audit(c, tenant, user, "otp.verification.completed", "{\"status\":\"" + status + "\"}", now);
            return status;
        });
    }

    private String verify(final Connection c, final String tenant, final String user, final String purpose,
                          final String code, final Instant now) throws SQLException {
        final UserRow row = lockUser(c, tenant, user);
        if (row == null) {
            return "not_found";
        }
        if (row.lockedUntil() != null && row.lockedUntil().isAfter(now)) {
            return "locked";
        }
        try (PreparedStatement s = c.prepareStatement("SELECT id, code_hash, expires_at, attempts "
                + "FROM rowlock.otp_verifications WHERE tenant_id = ? AND user_id = ? AND purpose = ? "
                + "AND consumed_at IS NULL AND superseded_at IS NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE")) {
            s.setString(1, tenant);
            s.setString(2, user);
            s.setString(3, purpose);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return "not_found";
                }
                return decide(c, row, r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(), r.getInt(4),
                        code, now);
            }
        }
    }

    private String decide(final Connection c, final UserRow row, final String otpId, final String hash,
                          final Instant expiresAt, final int attempts, final String code, final Instant now)
            throws SQLException {
        if (!expiresAt.isAfter(now)) {
            return "expired";
        }
        if (attempts >= MAX_ATTEMPTS) {
            return "max_attempts";
        }
        if (pepper.verify(pepper.activeKid(), hash, otpId, code)) {
            update(c, "UPDATE rowlock.otp_verifications SET consumed_at = ? WHERE id = ?::uuid", ts(now), otpId);
            update(c, "UPDATE rowlock.users SET failures = 0, failure_window_start = NULL "
                    + "WHERE tenant_id = ? AND user_id = ?", row.tenant(), row.user());
            return "approved";
        }
        update(c, "UPDATE rowlock.otp_verifications SET attempts = attempts + 1 WHERE id = ?::uuid", otpId);
        recordFailure(c, row, now);
        // as the processor answers: the guess that uses the code up is max_attempts, any other wrong one denied,
        // whether or not it started a lockout (the next attempt finds the user locked)
        return attempts + 1 >= MAX_ATTEMPTS ? "max_attempts" : "denied";
    }

    /** Counts a failure against the user; starts a lockout at {@code LOCK_FAILURES}. */
    private static void recordFailure(final Connection c, final UserRow row, final Instant now) throws SQLException {
        final boolean inWindow = row.windowStart() != null
                && row.windowStart().plusSeconds(FAILURE_WINDOW_S).isAfter(now);
        final int failures = inWindow ? row.failures() + 1 : 1;
        final Instant windowStart = inWindow ? row.windowStart() : now;
        if (failures < LOCK_FAILURES) {
            update(c, "UPDATE rowlock.users SET failures = ?, failure_window_start = ? WHERE tenant_id = ? "
                    + "AND user_id = ?", failures, ts(windowStart), row.tenant(), row.user());
            return;
        }
        final long lockSeconds = Math.min(LOCK_MAX_S, LOCK_BASE_S << Math.min(row.level(), 10));
        update(c, "UPDATE rowlock.users SET failures = 0, failure_window_start = NULL, login_locked_until = ?, "
                + "lockout_level = lockout_level + 1 WHERE tenant_id = ? AND user_id = ?",
                ts(now.plusSeconds(lockSeconds)), row.tenant(), row.user());
    }

    private record UserRow(String tenant, String user, Instant lockedUntil, int level, int failures,
                           Instant windowStart) {
    }

    private static UserRow lockUser(final Connection c, final String tenant, final String user) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT login_locked_until, lockout_level, failures, "
                + "failure_window_start FROM rowlock.users WHERE tenant_id = ? AND user_id = ? FOR UPDATE")) {
            s.setString(1, tenant);
            s.setString(2, user);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                return new UserRow(tenant, user, instant(r.getTimestamp(1)), r.getInt(2), r.getInt(3),
                        instant(r.getTimestamp(4)));
            }
        }
    }

    private static void audit(final Connection c, final String tenant, final String user, final String type,
                              final String details, final Instant now) throws SQLException {
        update(c, "INSERT INTO rowlock.audit_events (tenant_id, user_id, event_type, details, created_at) "
                + "VALUES (?, ?, ?, ?::jsonb, ?)", tenant, user, type, details, ts(now));
    }

    private static void update(final Connection c, final String sql, final Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }

    private static String toJson(final Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private static Timestamp ts(final Instant instant) {
        return Timestamp.from(instant);
    }

    private static Instant instant(final Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
