package dev.duplex.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.client.Ack;
import dev.duplex.client.IO;
import dev.duplex.client.IoOptions;
import dev.duplex.client.Socket;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Duplex's Java client with {@link MsgpackParser} against the official socket.io 4.8.4 server using
 * socket.io-msgpack-parser 3.0.2 (Node): connect with auth, events with binary both ways, acks both ways, a
 * broadcast.
 */
class MsgpackClientInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration T = Duration.ofSeconds(20);
    private ManagedProcess server;
    private Socket socket;

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
            socket.io().close();
        }
        if (server != null) {
            server.close();
        }
    }

    private JsonNode line(String type) throws Exception {
        String prefix = "{\"type\":\"" + type + "\"";
        await(type).atMost(T).until(() -> server.output().stream().anyMatch(l -> l.startsWith(prefix)));
        return JSON.readTree(server.output().stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void javaClientTalksMsgpackToTheNodeServer(String transport) throws Exception {
        Node.require();
        int port = FreePort.find();
        server = Node.start(Path.of("src/test/node/server.js"), Map.of(), String.valueOf(port));
        server.awaitPrefix("READY ", T);

        List<Object[]> welcome = new CopyOnWriteArrayList<>();
        List<Object[]> news = new CopyOnWriteArrayList<>();
        socket = IO.socket("http://127.0.0.1:" + port, IoOptions.builder().parser(MsgpackParser.instance())
                .transports(transport).auth(Map.of("token", "xyz")).reconnection(false).build());
        socket.on("welcome", welcome::add);
        socket.on("news", news::add);
        socket.on("question", args -> ((Ack) args[args.length - 1]).call("answer", new byte[] {9, 8}));
        socket.connect();

        assertThat(line("connection").get("auth").toString()).isEqualTo("{\"token\":\"xyz\"}");
        assertThat(line("connection").get("transport").asText()).isEqualTo(transport);
        await().atMost(T).until(() -> !welcome.isEmpty());
        Object[] w = welcome.get(0);
        assertThat(((JsonNode) w[0]).asText()).isEqualTo("hi");
        assertThat(((JsonNode) w[1]).binaryValue()).containsExactly(4, 5, 6);
        // notepack.io's Date extension arrives as JSON would have it
        assertThat(((JsonNode) w[2]).get("when").asText()).isEqualTo("2024-01-02T03:04:05.006Z");

        byte[] big = new byte[70_000];
        big[69_999] = 42;
        List<JsonNode> echoed = socket.emitWithAck("echo", "h\u00e9llo", new byte[] {1, 2, 3},
                Map.of("big", big, "n", 2.5)).get(T.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(echoed.get(0).asText()).isEqualTo("h\u00e9llo");
        assertThat(echoed.get(1).binaryValue()).containsExactly(1, 2, 3);
        assertThat(echoed.get(2).get("big").binaryValue()).isEqualTo(big);
        assertThat(echoed.get(2).get("n").asDouble()).isEqualTo(2.5);
        assertThat(line("echo").get("args").get(1).toString()).isEqualTo("{\"$bin\":\"010203\"}");

        socket.emit("ask");
        assertThat(line("answer").get("args").toString()).isEqualTo("[\"answer\",{\"$bin\":\"0908\"}]");

        socket.emit("shout", "all", new byte[] {7});
        await().atMost(T).until(() -> !news.isEmpty());
        assertThat(((JsonNode) news.get(0)[0]).asText()).isEqualTo("all");
        assertThat(((JsonNode) news.get(0)[1]).binaryValue()).containsExactly(7);
    }
}
