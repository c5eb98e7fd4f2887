package io.otppipeline.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports that a server can be stopped and started again on. A port the system chose ({@code new ServerSocket(0)})
 * lies in the kernel's ephemeral range, from which every outgoing connection on the machine also takes its local
 * port: while the server is down, any client may take it, and the restart fails with "address already in use". These
 * ports lie below that range ({@code /proc/sys/net/ipv4/ip_local_port_range}; 32768 when it cannot be read, Linux's
 * default).
 */
public final class RestartablePorts {

    /** The lowest port handed out. */
    private static final int LOWEST = 10_000;

    private RestartablePorts() {
    }

    /**
     * A run of {@code count} adjacent ports, each free when checked, below the ephemeral range.
     *
     * @param count how many adjacent ports (at least 1)
     * @return the first port of the run
     * @throws IOException if no free run was found in 100 tries
     */
    public static int freeRun(final int count) throws IOException {
        final int below = ephemeralLow() - count;
        for (int attempt = 0; attempt < 100; attempt++) {
            final int first = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IOException("no " + count + " adjacent free ports between " + LOWEST + " and " + below);
    }

    private static boolean allFree(final int first, final int count) {
        for (int port = first; port < first + count; port++) {
            try (ServerSocket probe = new ServerSocket(port)) {
                probe.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    private static int ephemeralLow() {
        try {
            final String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(LOWEST + 1_000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }
}
