package io.otppipeline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** The operation sequences of the workloads, the same for both systems (same seed, same order). */
final class Ops {

    /** Purpose every benchmark code is requested and verified for. */
    static final String PURPOSE = "login";

    /**
     * One verification.
     *
     * @param userId whose code
     * @param right whether the verification carries the user's right code (else a wrong one)
     */
    record Verify(String userId, boolean right) {

        /** The code to send: the user's code, or the code with its last digit changed (always wrong). */
        String code(final Map<String, String> codes) {
            final String code = codes.getOrDefault(userId, "000000");
            if (right) {
                return code;
            }
            final int last = code.charAt(code.length() - 1) - '0';
            return code.substring(0, code.length() - 1) + (char) ('0' + (last + 1) % 10);
        }
    }

    private Ops() {
    }

    /** User ids {@code <prefix>000000 .. }, {@code n} of them. */
    static List<String> users(final String prefix, final int n) {
        final List<String> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            users.add(String.format(Locale.ROOT, "%s%06d", prefix, i));
        }
        return users;
    }

    /** {@code n} verifications over {@code users}, uniformly chosen, a share {@code right} of them right. */
    static List<Verify> verifications(final List<String> users, final int n, final double right, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Verify> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(new Verify(users.get(random.nextInt(users.size())), random.nextDouble() < right));
        }
        return ops;
    }

    /** The destination an issuance sends the code to (a reserved example domain, RFC 2606). */
    static String destination(final String userId) {
        return userId + "@bench.example";
    }
}
