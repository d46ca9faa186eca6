package dev.duplex.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official socket.io-client 4.8.4 with socket.io-msgpack-parser 3.0.2 (Node) against a Duplex server using
 * {@link MsgpackParser}: connect with auth, events with binary both ways, acks both ways, a broadcast; over
 * polling, WebSocket, and polling upgraded to WebSocket.
 */
class MsgpackServerInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration T = Duration.ofSeconds(20);
    private SocketIoServer server;
    private ManagedProcess client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The first line of this type the client printed (in any order with the others), waiting for it. */
    private JsonNode line(String type) throws Exception {
        String prefix = "{\"type\":\"" + type + "\"";
        await(type).atMost(T).until(() -> client.output().stream().anyMatch(l -> l.startsWith(prefix)));
        return JSON.readTree(client.output().stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "polling,websocket"})
    void officialMsgpackClientTalksToDuplex(String transports) throws Exception {
        Node.require();
        List<JsonNode> auths = new CopyOnWriteArrayList<>();
        List<List<JsonNode>> answers = new CopyOnWriteArrayList<>();
        server = SocketIoServer.create(ServerOptions.builder().parser(MsgpackParser.instance()).build());
        server.of("/").onConnection(socket -> {
            auths.add(socket.handshake().auth());
            socket.emit("welcome", "hi", new byte[] {4, 5, 6}, Map.of("n", 1));
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.emitWithAck("question", "q?").thenAccept(answers::add);
        });
        int port = FreePort.find();
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        client = Node.start(Path.of("src/test/node/client.js"),
                Map.of("SERVER_URL", "http://127.0.0.1:" + port, "TRANSPORTS", transports));

        JsonNode connect = line("connect");
        assertThat(connect.path("id").asText()).isNotEmpty();
        assertThat(auths).singleElement().hasToString("{\"token\":\"abc\"}");

        assertThat(line("welcome").get("args").toString())
                .isEqualTo("[\"hi\",{\"$bin\":\"040506\"},{\"n\":1}]");
        assertThat(line("question").get("args").toString()).isEqualTo("[\"q?\"]");
        await().atMost(T).until(() -> !answers.isEmpty());
        assertThat(answers.get(0).get(0).asText()).isEqualTo("answer");
        assertThat(answers.get(0).get(1).binaryValue()).containsExactly(9, 8);

        JsonNode echoed = line("echo-ack").get("args");
        assertThat(echoed.get(0).asText()).isEqualTo("h\u00e9llo");
        assertThat(echoed.get(1).toString()).isEqualTo("{\"$bin\":\"010203\"}");
        assertThat(echoed.get(2).get("nested").get(0).get("$bin").asText()).isEqualTo("07".repeat(300));
        assertThat(echoed.get(2).get("n").asDouble()).isEqualTo(1.5);
        assertThat(echoed.get(2).get("big").asLong()).isEqualTo(1L << 40);
        assertThat(echoed.get(2).get("neg").asInt()).isEqualTo(-70000);
        assertThat(echoed.get(2).get("t").asBoolean()).isTrue();
        assertThat(echoed.get(2).get("z").isNull()).isTrue();

        if (transports.contains(",")) {
            assertThat(line("upgrade").path("transport").asText()).isEqualTo("websocket");
        }
        server.emit("news", "all", new byte[] {1});
        assertThat(line("news").get("args").toString()).isEqualTo("[\"all\",{\"$bin\":\"01\"}]");
    }
}
