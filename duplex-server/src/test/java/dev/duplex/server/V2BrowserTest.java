package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.ExternalProgram;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * socket.io-client 2.5.0's browser bundle in Debian's headless Chromium against {@code allowEIO3}: a browser polls
 * with binary payloads (application/octet-stream both ways), which the Node client never does; events with binary
 * both ways and acks both ways, over polling only and polling upgraded to WebSocket.
 */
class V2BrowserTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private SocketIoServer server;
    private ManagedProcess browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "polling,websocket"})
    @Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
    void socketIoClient2InABrowser(String transports) throws Exception {
        ExternalProgram.require(CHROMIUM, "--version", "the browser test drives Debian's chromium");
        Node.require();
        List<List<JsonNode>> answers = new CopyOnWriteArrayList<>();
        List<String> ids = new CopyOnWriteArrayList<>();
        List<Map<String, String>> queries = new CopyOnWriteArrayList<>();
        server = SocketIoServer.create(ServerOptions.builder().allowEIO3(true).build());
        server.onConnection(socket -> {
            ids.add(socket.id());
            queries.add(socket.handshake().query());
            socket.emit("welcome", "hi", new byte[] {4, 5, 6});
            socket.emitWithAck("question", "q?").thenAccept(answers::add);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.on("done", (args, ack) -> socket.emit("bye"));
        });
        int port = FreePort.find();
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        browser = Node.start(Path.of("src/test/node/socketio/browser-v2.js"), Map.of(), "http://127.0.0.1:" + port,
                transports);

        String line = browser.awaitLine(l -> l.startsWith("RESULT ") || l.startsWith("FAIL "), Duration.ofSeconds(90));
        assertThat(line).as(String.join("\n", browser.output())).startsWith("RESULT ");
        JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.substring("RESULT ".length()));
        assertThat(r.get("welcome").toString()).isEqualTo("[\"hi\",true,\"040506\"]");
        assertThat(r.get("question").asText()).isEqualTo("q?");
        assertThat(r.get("echo").toString()).isEqualTo("[\"h\u00e9llo \ud83d\ude00\",true,\"010203\",\"0405\"]");
        assertThat(r.get("id").asText()).isEqualTo(ids.get(0));
        // binary polling payloads: the browser client did not ask for base64
        assertThat(queries.get(0)).containsEntry("EIO", "3").doesNotContainKey("b64");
        if (transports.equals("polling")) {
            assertThat(r.get("transport").asText()).isEqualTo("polling");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !answers.isEmpty());
        assertThat(answers.get(0).get(0).asText()).isEqualTo("answer");
        assertThat(answers.get(0).get(1).binaryValue()).containsExactly(9, 8);
    }
}
