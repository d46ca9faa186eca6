package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.testkit.FreePort;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An engine the manager has replaced must not affect the manager any more. Seen as a flaky
 * {@code retryingWithNewCredentials}: after {@code connect_error} the manager closes its engine and a listener
 * connects again at once; the closed engine's "close" came after the new engine had started and failed it.
 */
class ManagerStaleEngineTest {
    static final Duration T = Duration.ofSeconds(10);
    final DuplexServer server = new DuplexServer();
    String url;

    @BeforeEach
    void start() {
        int port = FreePort.find();
        server.start(port);
        url = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aReplacedEnginesLateEventsAreIgnored() throws Exception {
        Socket socket = IO.socket(url, IoOptions.builder().forceNew(true).build());
        List<String> events = new CopyOnWriteArrayList<>();
        try {
            socket.connect();
            await().atMost(T).until(socket::connected);
            Manager m = socket.io();
            EngineSocket replaced = m.engine();

            socket.disconnect(); // the manager closes the engine (no other socket)...
            await().atMost(T).until(() -> replaced.state() == EngineSocket.State.CLOSED);
            socket.connect(); // ...and opens a new one
            await().atMost(T).until(socket::connected);
            assertThat(m.engine()).isNotSameAs(replaced);
            m.on("close", a -> events.add("close " + a[0]));
            socket.on(Socket.EVENT_DISCONNECT, a -> events.add("disconnect " + a[0]));

            // the replaced engine reports late, as a closing transport may
            CompletableFuture<Void> done = new CompletableFuture<>();
            m.exec(() -> {
                replaced.events().onEngineError(new DuplexClientException(DuplexClientException.Kind.TRANSPORT,
                        "late error", null));
                replaced.events().onEngineClose("forced close", null);
                replaced.events().onEngineMessage("41");
                done.complete(null);
            });
            done.get(10, TimeUnit.SECONDS);

            CompletableFuture<Object[]> ack = new CompletableFuture<>(); // a round trip after the late events
            socket.emit("echo", new Object[] {"ping"}, args -> ack.complete(args));
            assertThat(ack.get(10, TimeUnit.SECONDS)).isNotEmpty();
            assertThat(socket.connected()).isTrue();
            assertThat(m.readyState()).isEqualTo(Manager.ReadyState.OPEN);
            assertThat(events).isEmpty();
        } finally {
            socket.close();
            socket.io().close();
        }
    }
}
