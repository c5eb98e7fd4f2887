package io.otppipeline.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The hash chain of the audit log, one chain per Kafka partition of {@code otp.events.v1}
 * (docs/EVENTS.md, "The hash chain": another tool can recompute it from this description alone).
 *
 * <pre>
 *   canonical(row) = UTF-8 bytes of the RFC 8785 (JSON Canonicalization Scheme) form of
 *                    {"partition": P, "offset": O, "seq": N, "event": E}
 *                    where E is the record value exactly as published (the CloudEvent JSON)
 *   hash(row)      = SHA-256(prev_hash || canonical(row))        32 bytes
 *   prev_hash      = hash of row N-1 of the same partition; 32 zero bytes for N = 1
 * </pre>
 *
 * Binding the partition, offset and sequence number into the hash means a row cannot be moved, renumbered or
 * copied to another place in the chain without its hash changing.
 */
public final class AuditChain {

    /** Bytes of a SHA-256 hash. */
    public static final int HASH_BYTES = 32;

    private static final byte[] GENESIS = new byte[HASH_BYTES];

    private AuditChain() {
    }

    /**
     * The end of one partition's chain.
     *
     * @param seq sequence number of the last row; 0 when the partition has none
     * @param hash hash of the last row; {@link #genesis()} when it has none
     */
    public record Head(long seq, byte[] hash) {

        /** Hex of {@link #hash}, for reports. */
        public String hashHex() {
            return HexFormat.of().formatHex(hash);
        }
    }

    /** The head of an empty partition: sequence 0, 32 zero bytes. */
    public static Head genesis() {
        return new Head(0, GENESIS.clone());
    }

    /**
     * The canonical bytes of one row, as defined above.
     *
     * @param eventJson the record value as published (UTF-8 JSON text of a CloudEvent)
     * @throws IllegalArgumentException if {@code eventJson} is not JSON
     */
    public static byte[] canonical(final int partition, final long offset, final long seq, final String eventJson) {
        final String envelope = "{\"partition\":" + partition + ",\"offset\":" + offset + ",\"seq\":" + seq
                + ",\"event\":" + eventJson + "}";
        try {
            return new JsonCanonicalizer(envelope).getEncodedUTF8();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("event is not canonicalizable JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code SHA-256(prevHash || canonical)}. */
    public static byte[] hash(final byte[] prevHash, final byte[] canonical) {
        try {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(prevHash);
            return sha256.digest(canonical);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The head after appending the row {@code (partition, offset, head.seq + 1, eventJson)} to {@code head}. */
    public static Head append(final Head head, final int partition, final long offset, final String eventJson) {
        final long seq = head.seq() + 1;
        return new Head(seq, hash(head.hash(), canonical(partition, offset, seq, eventJson)));
    }

    /** UTF-8 decoding used for record values. */
    static String text(final byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
