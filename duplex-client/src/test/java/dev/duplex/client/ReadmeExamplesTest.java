package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.engine.CorsOptions;
import dev.duplex.server.ConnectionRefusedException;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The server and client examples of README.md, as written there (but on a free port), run against each other. */
class ReadmeExamplesTest {

    @Test
    void readmeServerAndClientWorkTogether() throws Exception {
        int port = FreePort.find();
        List<String> left = new CopyOnWriteArrayList<>();
        // --- README "Server in ten lines"
        SocketIoServer io = SocketIoServer.create(ServerOptions.builder()
                .cors(CorsOptions.builder().origin("*").build())
                .pingInterval(Duration.ofSeconds(25)).build()).start(port);
        io.use((socket, next) -> next.accept("s3cret".equals(socket.handshake().auth().path("token").asText())
                ? null : new ConnectionRefusedException("bad token", Map.of("retry", false))));
        io.onConnection(socket -> {
            socket.broadcast().emit("someone connected", socket.id());
            socket.on("chat", (args, ack) -> io.emit("chat", args.get(0)));
            socket.on("echo", args -> args.get(0));
            socket.onDisconnect(reason -> left.add(socket.id() + " left: " + reason));
        });
        // ---
        try {
            List<String> chat = new CopyOnWriteArrayList<>();
            List<String> connected = new CopyOnWriteArrayList<>();
            // --- README "Client in ten lines"
            Socket socket = IO.socket("http://localhost:" + port,
                    IoOptions.builder().auth(Map.of("token", "s3cret")).build());
            socket.on("connect", args -> connected.add(socket.id()));
            socket.on("chat", args -> chat.add(((JsonNode) args[0]).asText()));
            socket.connect();
            socket.emit("chat", "hello", Map.of("file", new byte[] {1, 2, 3}));
            List<JsonNode> answer = socket.timeout(Duration.ofSeconds(5)).emitWithAck("echo", "x").get();
            // ---
            assertThat(answer).extracting(JsonNode::asText).containsExactly("x");
            await().atMost(Duration.ofSeconds(10)).until(() -> chat.contains("hello"));
            assertThat(connected).hasSize(1);
            String id = socket.id();
            socket.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> left.contains(id + " left: client namespace disconnect"));

            List<DuplexClientException> errors = new CopyOnWriteArrayList<>();
            Socket refused = IO.socket("http://localhost:" + port,
                    IoOptions.builder().auth(Map.of("token", "wrong")).build());
            refused.onConnectError(errors::add);
            refused.connect();
            await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
            assertThat(errors.get(0).getMessage()).isEqualTo("bad token");
            assertThat(errors.get(0).data().path("retry").asBoolean(true)).isFalse();
            refused.close();
        } finally {
            io.close();
        }
    }
}
