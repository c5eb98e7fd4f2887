package io.otppipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.ConnectionLimits;
import io.otppipeline.api.http.RequestDeadlines;
import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.reply.OtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow headers (slowloris, issue 32): clients that open connections and trickle header bytes, each byte inside
 * Jetty's idle timeout, are closed at the header deadline, and with more of them than the connection limit a new
 * client is still answered ({@link RequestDeadlines}, {@link ConnectionLimits}).
 */
class SlowHeadersTest {

    private static final long HEADER_TIMEOUT_MS = 1_000;
    private static final int MAX_CONNECTIONS = 40;

    private ApiService api;
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private final List<Socket> slow = new ArrayList<>();

    @BeforeEach
    void start() {
        final CommandBus bus = new CommandBus() {
            @Override
            public void start() {
            }

            @Override
            public CompletableFuture<OtpReply> send(final OtpCommand command) {
                return CompletableFuture.failedFuture(new IllegalStateException("no processor in this test"));
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        api = ApiService.start(new ApiConfig(KafkaConnection.plaintext("unused:9092"), "127.0.0.1", 0, 1000, 1024,
                "otp-api", Path.of("unused"), Path.of("unused"), "read_uncommitted", 64, "otp-pipeline", 10_000,
                10_000, TwilioServices.NONE, null, null, new ConnectionLimits(HEADER_TIMEOUT_MS, MAX_CONNECTIONS)),
                new ApiKeys(List.of()), Keyring.generate("c1"), bus);
    }

    @AfterEach
    void stop() throws IOException {
        trickle.shutdownNow();
        for (Socket socket : slow) {
            socket.close();
        }
        api.close();
    }

    @Test
    void shouldCloseTricklingConnectionsAndStillAnswerHealthWhenMoreTrickleThanTheLimit() throws Exception {
        for (int i = 0; i < 2 * MAX_CONNECTIONS; i++) {
            final Socket socket = new Socket();
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", api.port()), 2_000);
            socket.setSoTimeout(20_000);
            slow.add(socket);
        }
        // a header byte every 200 ms: never idle for Jetty's idle timeout, never a complete request
        trickle.scheduleAtFixedRate(() -> {
            for (Socket socket : slow) {
                try {
                    final OutputStream out = socket.getOutputStream();
                    out.write('X');
                    out.flush();
                } catch (IOException closed) {
                    // the server closed it: what the test waits for
                }
            }
        }, 0, 200, TimeUnit.MILLISECONDS);

        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        final int health = await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/healthz"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
                status -> status == 200);
        // blocks until the server closes (or writes); without the header deadline the trickle keeps the connection
        // open past the socket's 20 s timeout and read() throws SocketTimeoutException
        final InputStream first = slow.get(0).getInputStream();
        final int read = first.read();

        assertThat(health).isEqualTo(200);
        assertThat(read).as("closed without an answer").isEqualTo(-1);
    }
}
