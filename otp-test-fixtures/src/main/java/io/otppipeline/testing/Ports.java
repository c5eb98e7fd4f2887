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
}
