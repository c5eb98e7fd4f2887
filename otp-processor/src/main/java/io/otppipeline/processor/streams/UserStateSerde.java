package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.Contact;
import io.otppipeline.processor.domain.Factor;
import io.otppipeline.processor.domain.LinkState;
import io.otppipeline.processor.domain.Lockout;
import io.otppipeline.processor.domain.PendingOtp;
import io.otppipeline.processor.domain.SendRecord;
import io.otppipeline.processor.domain.UserState;
import io.otppipeline.processor.streams.CompactCodec.In;
import io.otppipeline.processor.streams.CompactCodec.Out;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.kafka.JsonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The user state store's value format: a compact binary encoding of {@link UserState} (format 1), written to the
 * store and its changelog on every decision. The public topics keep their CloudEvents JSON; only this internal
 * record changed (issue 14; docs/ARCHITECTURE.md section 4, "State store formats").
 *
 * <p>This class is the mapping (which fields, in which order); {@link CompactCodec} is the binary codec. Shape: one
 * format byte ({@code 0x01}), then the fields in declaration order. Counts and lengths are unsigned
 * variable-length integers, other integers zig-zag variable-length (1 byte below 64; 6 bytes for an
 * epoch-millisecond time until the year 2039, 7 after); a code's expiry is written as its
 * lifetime after the issue time; the failure times of a lockout as gaps from the previous one. Strings that are
 * a canonical UUID (otp ids), standard Base64 (MACs, nonces, ciphertexts) or {@code <kid>:<Base64>} (destination
 * hashes) are written as their bytes, any other string as UTF-8; either way the string read back is the string
 * written, character for character. Enumerations are written as their ordinal; {@code UserStateSerdeTest} pins
 * the order, because reordering {@link Channel} or {@link FactorType} would change the meaning of stored states.
 *
 * <p>Migration: a value that starts with {@code '{'} is a state written as JSON by an earlier version and is
 * read as JSON; the next decision for that user writes it back in this format. No reset of the stores is needed.
 *
 * <p>Errors: a value in neither format raises {@link SerializationException} naming the type only, never the
 * bytes (sealed secrets live in them).
 */
public final class UserStateSerde implements Serde<UserState>, Serializer<UserState>, Deserializer<UserState> {

    /** The first byte of a value in this format. */
    static final byte FORMAT_1 = 1;

    private static final JsonSerde<UserState> LEGACY_JSON = JsonSerde.of(UserState.class);
    private static final Channel[] CHANNELS = Channel.values();
    private static final FactorType[] FACTOR_TYPES = FactorType.values();

    @Override
    public byte[] serialize(final String topic, final UserState state) {
        if (state == null) {
            return null;
        }
        final Out out = new Out();
        out.writeByte(FORMAT_1);
        out.writeCount(state.pending().size());
        state.pending().forEach((purpose, otp) -> {
            out.writeText(purpose);
            writePending(out, otp);
        });
        out.writeCount(state.sends().size());
        for (SendRecord send : state.sends()) {
            out.writeText(send.purpose());
            out.writeLong(send.atMs());
        }
        writeLockout(out, state.lockout());
        out.writeCount(state.addressLockouts().size());
        state.addressLockouts().forEach((address, lockout) -> {
            out.writeText(address);
            writeLockout(out, lockout);
        });
        out.writeCount(state.factors().size());
        state.factors().forEach((id, factor) -> {
            out.writeText(id);
            writeFactor(out, factor);
        });
        writeContact(out, state.contact());
        return out.toByteArray();
    }

    @Override
    public UserState deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 0 && data[0] == '{') {
            return LEGACY_JSON.deserialize(topic, data);
        }
        try {
            final In in = new In(data);
            if (in.readByte() != FORMAT_1) {
                throw new SerializationException("record is not a valid UserState (unknown format)");
            }
            final Map<String, PendingOtp> pending = new TreeMap<>();
            for (int i = in.readCount(); i > 0; i--) {
                pending.put(in.readKey(), readPending(in));
            }
            final List<SendRecord> sends = new ArrayList<>();
            for (int i = in.readCount(); i > 0; i--) {
                sends.add(new SendRecord(in.readText(), in.readLong()));
            }
            final Lockout lockout = readLockout(in);
            final Map<String, Lockout> byAddress = new TreeMap<>();
            for (int i = in.readCount(); i > 0; i--) {
                byAddress.put(in.readKey(), readLockout(in));
            }
            final Map<String, Factor> factors = new TreeMap<>();
            for (int i = in.readCount(); i > 0; i--) {
                factors.put(in.readKey(), readFactor(in));
            }
            final Contact contact = readContact(in);
            if (in.remaining() != 0) {
                throw new SerializationException("record is not a valid UserState (trailing bytes)");
            }
            return new UserState(pending, sends, lockout, byAddress, factors, contact);
        } catch (IndexOutOfBoundsException | IllegalArgumentException | ArithmeticException | NullPointerException e) {
            throw new SerializationException("record is not a valid UserState (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void writePending(final Out out, final PendingOtp otp) {
        out.writeToken(otp.otpId());
        out.writeToken(otp.codeMac());
        out.writeText(otp.macKid());
        out.writeEnum(otp.channel());
        out.writeText(otp.destinationMasked());
        out.writeLong(otp.issuedAtMs());
        out.writeLong(otp.expiresAtMs() - otp.issuedAtMs());
        out.writeLong(otp.failedAttempts());
        out.writeByte((otp.approved() ? 1 : 0) | (otp.expired() ? 2 : 0) | (otp.link() != null ? 4 : 0)
                | (otp.link() != null && otp.link().deadOpenSeen() ? 8 : 0));
        out.writeLong(otp.callingCode());
        out.writeToken(otp.destinationHash());
        out.writeText(otp.delivery());
        out.writeText(otp.deliveryReason());
        if (otp.link() != null) {
            out.writeText(otp.link().redirectUrl());
            out.writeLong(otp.link().opens());
            out.writeToken(otp.link().exchangeMac());
        }
    }

    private static PendingOtp readPending(final In in) {
        final String otpId = in.readToken();
        final String codeMac = in.readToken();
        final String macKid = in.readText();
        final Channel channel = in.readEnum(CHANNELS);
        final String masked = in.readText();
        final long issuedAtMs = in.readLong();
        final long expiresAtMs = issuedAtMs + in.readLong();
        final int failedAttempts = in.readInt();
        final int flags = in.readByte();
        final int callingCode = in.readInt();
        final String destinationHash = in.readToken();
        final String delivery = in.readText();
        final String deliveryReason = in.readText();
        final LinkState link = (flags & 4) == 0 ? null : new LinkState(in.readText(), in.readInt(), in.readToken(),
                (flags & 8) != 0);
        return new PendingOtp(otpId, codeMac, macKid, channel, masked, issuedAtMs, expiresAtMs, failedAttempts,
                (flags & 1) != 0, (flags & 2) != 0, callingCode, destinationHash, delivery, deliveryReason, link);
    }

    private static void writeLockout(final Out out, final Lockout lockout) {
        out.writeCount(lockout.failuresMs().size());
        long previous = 0;
        for (long at : lockout.failuresMs()) {
            out.writeLong(at - previous);
            previous = at;
        }
        out.writeLong(lockout.level());
        out.writeLong(lockout.lockedUntilMs());
        out.writeLong(lockout.lastFailureMs());
    }

    private static Lockout readLockout(final In in) {
        final int n = in.readCount();
        if (n == 0) {
            final int level = in.readInt();
            final long until = in.readLong();
            final long last = in.readLong();
            return level == 0 && until == 0 && last == 0 ? Lockout.NONE : new Lockout(List.of(), level, until, last);
        }
        final List<Long> failures = new ArrayList<>(n);
        long at = 0;
        for (int i = 0; i < n; i++) {
            at += in.readLong();
            failures.add(at);
        }
        return new Lockout(failures, in.readInt(), in.readLong(), in.readLong());
    }

    private static void writeFactor(final Out out, final Factor f) {
        out.writeEnum(f.type());
        out.writeByte(f.active() ? 1 : 0);
        writeSealed(out, f.secret());
        out.writeText(f.algorithm());
        out.writeLong(f.digits());
        out.writeLong(f.periodSeconds());
        out.writeLong(f.lastStep());
        out.writeLong(f.counter());
        out.writeLong(f.enrolledAtMs());
    }

    private static Factor readFactor(final In in) {
        return new Factor(in.readEnum(FACTOR_TYPES), in.readByte() != 0, readSealed(in), in.readText(), in.readInt(),
                in.readInt(), in.readLong(), in.readLong(), in.readLong());
    }

    private static void writeContact(final Out out, final Contact c) {
        out.writeByte(c == null ? 0 : 1);
        if (c != null) {
            out.writeEnum(c.channel());
            writeSealed(out, c.destination());
            out.writeText(c.sealedFor());
            out.writeText(c.locale());
        }
    }

    private static Contact readContact(final In in) {
        return in.readByte() == 0 ? null
                : new Contact(in.readEnum(CHANNELS), readSealed(in), in.readText(), in.readText());
    }

    private static void writeSealed(final Out out, final SealedBox box) {
        out.writeByte(box == null ? 0 : 1);
        if (box != null) {
            out.writeText(box.kid());
            out.writeToken(box.nonce());
            out.writeToken(box.ciphertext());
        }
    }

    private static SealedBox readSealed(final In in) {
        return in.readByte() == 0 ? null : new SealedBox(in.readText(), in.readToken(), in.readToken());
    }

    @Override
    public Serializer<UserState> serializer() {
        return this;
    }

    @Override
    public Deserializer<UserState> deserializer() {
        return this;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to release
    }
}
