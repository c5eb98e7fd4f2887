package io.otppipeline.processor.streams;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * The binary codec under {@link UserStateSerde}: how one value is written and read, apart from which fields a user
 * state has (the mapping, in {@link UserStateSerde}). Counts and lengths are unsigned variable-length integers,
 * other integers zig-zag variable-length; byte arrays carry their length; a string is a token whose kind says its
 * shape (a canonical UUID, standard Base64, {@code <kid>:<Base64>}, else UTF-8), so that an id or a MAC is stored as
 * its bytes and read back character for character. {@link Out} grows a buffer; {@link In} reads one value and
 * raises {@link IndexOutOfBoundsException} past its end.
 */
final class CompactCodec {

    private CompactCodec() {
    }

    /** Token kinds of {@link Out#writeToken}: the string's shape, so that it is stored as its bytes. */
    private static final int NULL = 0;
    private static final int TEXT = 1;
    private static final int UUID_BYTES = 2;
    private static final int BASE64 = 3;
    private static final int KID_BASE64 = 4;

    /** A growing byte buffer with the writers of this format. */
    static final class Out {
        private byte[] buf = new byte[256];
        private int size;

        void writeByte(final int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        void writeBytes(final byte[] bytes) {
            writeCount(bytes.length);
            if (size + bytes.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + bytes.length));
            }
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        /** A non-negative count, unsigned variable-length. */
        void writeCount(final int n) {
            writeUnsigned(n);
        }

        /** Zig-zag variable-length: small magnitudes of either sign take few bytes. */
        void writeLong(final long v) {
            writeUnsigned((v << 1) ^ (v >> 63));
        }

        private void writeUnsigned(final long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                writeByte((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            writeByte((int) v);
        }

        /** {@code null} as 0, else 1 + its ordinal. */
        void writeEnum(final Enum<?> e) {
            writeUnsigned(e == null ? 0 : e.ordinal() + 1L);
        }

        /**
         * {@code null} as 0; well-formed text as {@code 2 * (UTF-8 length) + 1}, then its UTF-8 bytes; text with an
         * unpaired surrogate (which UTF-8 cannot carry) as {@code 2 * (UTF-16 length) + 2}, then its UTF-16 code
         * units, big-endian, so that it too reads back character for character.
         */
        void writeText(final String s) {
            if (s == null) {
                writeUnsigned(0);
                return;
            }
            if (!wellFormed(s)) {
                writeUnsigned(2L * s.length() + 2);
                for (int i = 0; i < s.length(); i++) {
                    writeByte(s.charAt(i) >>> 8);
                    writeByte(s.charAt(i));
                }
                return;
            }
            final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeUnsigned(2L * utf8.length + 1);
            if (size + utf8.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + utf8.length));
            }
            System.arraycopy(utf8, 0, buf, size, utf8.length);
            size += utf8.length;
        }

        /** Whether every surrogate in {@code s} is part of a pair (then UTF-8 carries it exactly). */
        private static boolean wellFormed(final String s) {
            for (int i = 0; i < s.length(); i++) {
                final char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }

        /** A string stored by its shape (UUID, Base64, kid:Base64) when it has one, else as text. */
        void writeToken(final String s) {
            if (s == null) {
                writeByte(NULL);
                return;
            }
            final UUID uuid = canonicalUuid(s);
            if (uuid != null) {
                writeByte(UUID_BYTES);
                writeRawLong(uuid.getMostSignificantBits());
                writeRawLong(uuid.getLeastSignificantBits());
                return;
            }
            final byte[] bytes = canonicalBase64(s);
            if (bytes != null) {
                writeByte(BASE64);
                writeBytes(bytes);
                return;
            }
            final int colon = s.indexOf(':');
            final byte[] tail = colon > 0 ? canonicalBase64(s.substring(colon + 1)) : null;
            if (tail != null) {
                writeByte(KID_BASE64);
                writeText(s.substring(0, colon));
                writeBytes(tail);
                return;
            }
            writeByte(TEXT);
            writeText(s);
        }

        private void writeRawLong(final long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                writeByte((int) (v >>> shift));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        private static UUID canonicalUuid(final String s) {
            if (s.length() != 36 || s.charAt(8) != '-') {
                return null;
            }
            try {
                final UUID u = UUID.fromString(s);
                return u.toString().equals(s) ? u : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private static byte[] canonicalBase64(final String s) {
            if (s.isEmpty() || s.length() % 4 != 0) {
                return null;
            }
            try {
                final byte[] bytes = Base64.getDecoder().decode(s);
                return Base64.getEncoder().encodeToString(bytes).equals(s) ? bytes : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /** A reader over one value; running past the end raises {@link IndexOutOfBoundsException}. */
    static final class In {
        private final byte[] buf;
        private int pos;

        In(final byte[] buf) {
            this.buf = buf;
        }

        int remaining() {
            return buf.length - pos;
        }

        int readByte() {
            return buf[pos++] & 0xFF;
        }

        int readCount() {
            final long n = readUnsigned();
            if (n < 0 || n > remaining()) {
                throw new IllegalArgumentException("count out of range");
            }
            return (int) n;
        }

        long readLong() {
            final long v = readUnsigned();
            return (v >>> 1) ^ -(v & 1);
        }

        int readInt() {
            return Math.toIntExact(readLong());
        }

        private long readUnsigned() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                final int b = readByte();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("variable-length integer too long");
        }

        <E extends Enum<E>> E readEnum(final E[] values) {
            final long n = readUnsigned();
            if (n < 0 || n > values.length) {
                throw new IllegalArgumentException("unknown enumeration value");
            }
            return n == 0 ? null : values[(int) n - 1];
        }

        String readText() {
            final long n = readUnsigned();
            if (n == 0) {
                return null;
            }
            if (n < 0 || n / 2 > remaining()) {
                throw new IllegalArgumentException("text out of range");
            }
            if ((n & 1) == 1) {
                final int length = (int) (n / 2);
                final String s = new String(buf, pos, length, StandardCharsets.UTF_8);
                pos += length;
                return s;
            }
            final int chars = (int) (n / 2 - 1);
            if (2L * chars > remaining()) {
                throw new IllegalArgumentException("text out of range");
            }
            final char[] utf16 = new char[chars];
            for (int i = 0; i < chars; i++) {
                utf16[i] = (char) ((readByte() << 8) | readByte());
            }
            return new String(utf16);
        }

        /** A map key: text that is never {@code null}. */
        String readKey() {
            final String key = readText();
            if (key == null) {
                throw new IllegalArgumentException("null key");
            }
            return key;
        }

        private byte[] readBytes() {
            final int n = readCount();
            final byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        String readToken() {
            return switch (readByte()) {
                case NULL -> null;
                case TEXT -> readText();
                case UUID_BYTES -> new UUID(readRawLong(), readRawLong()).toString();
                case BASE64 -> Base64.getEncoder().encodeToString(readBytes());
                case KID_BASE64 -> readText() + ":" + Base64.getEncoder().encodeToString(readBytes());
                default -> throw new IllegalArgumentException("unknown token kind");
            };
        }

        private long readRawLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | readByte();
            }
            return v;
        }
    }
}
