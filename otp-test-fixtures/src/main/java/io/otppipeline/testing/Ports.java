package io.otppipeline.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Free local TCP ports for servers a test starts itself. */
public final class Ports {

    private Ports() {
    }

    /** A port free now. */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A port free now whose successor is free too (a KRaft broker's client and controller ports). */
    public static int freePair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket first = new ServerSocket(0)) {
                final int port = first.getLocalPort();
                try (ServerSocket second = new ServerSocket(port + 1)) {
                    return port;
                } catch (IOException taken) {
                    // try another pair
                }
            }
        }
        throw new IOException("no two adjacent free ports");
    }
}
