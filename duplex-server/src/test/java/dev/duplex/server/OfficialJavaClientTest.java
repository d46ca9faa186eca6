package dev.duplex.server;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The official Java client io.socket:socket.io-client:2.1.2 against the server. */
class OfficialJavaClientTest {
    private SocketIoServer server;
    private io.socket.client.Socket client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.disconnect();
            client.io().reconnection(false);
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void connectsEmitsWithAckAndReceivesBinary(String mode) throws Exception {
        List<Integer> uploads = new CopyOnWriteArrayList<>();
        server = TestServers.start(ServerOptions.builder().build());
        server.onConnection(s -> {
            s.on("hello", args -> "hi " + args.get(0).asText());
            s.on("upload", (args, ack) -> uploads.add(args.get(0).binaryValue().length));
            s.emit("bin", Map.of("data", new byte[]{1, 2, 3}), new byte[]{9, 8});
        });

        IO.Options options = IO.Options.builder()
                .setTransports(switch (mode) {
                    case "polling" -> new String[]{Polling.NAME};
                    case "websocket" -> new String[]{WebSocket.NAME};
                    default -> new String[]{Polling.NAME, WebSocket.NAME};
                })
                .setReconnection(false)
                .build();
        client = IO.socket(URI.create("http://localhost:" + server.port()), options);
        List<Object[]> binaries = new CopyOnWriteArrayList<>();
        List<Object> acks = new CopyOnWriteArrayList<>();
        List<Boolean> connected = new CopyOnWriteArrayList<>();
        client.on(io.socket.client.Socket.EVENT_CONNECT, args -> connected.add(true));
        client.on("bin", binaries::add);
        client.connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> !connected.isEmpty());

        client.emit("hello", new Object[]{"java"}, (Ack) args -> acks.add(args[0]));
        // over polling this client sends binary as "b<base64>\n" (Base64.DEFAULT adds a line break), which the
        // engine accepts as Node does
        client.emit("upload", (Object) new byte[]{5, 6, 7, 8});
        await("binary event").atMost(Duration.ofSeconds(10)).until(() -> binaries.size() == 1);
        await("ack").atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 1);
        await("binary upload").atMost(Duration.ofSeconds(10)).until(() -> uploads.size() == 1);
        assertThat(uploads).containsExactly(4);
        assertThat(acks).containsExactly("hi java");
        Object[] bin = binaries.get(0);
        assertThat(bin).hasSize(2);
        assertThat((byte[]) ((JSONObject) bin[0]).get("data")).containsExactly(1, 2, 3);
        assertThat((byte[]) bin[1]).containsExactly(9, 8);
        assertThat(server.sockets().sockets()).hasSize(1);
    }
}
