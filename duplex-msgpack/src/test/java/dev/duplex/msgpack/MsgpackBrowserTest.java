package dev.duplex.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
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
 * The socket.io-msgpack-parser bundle Duplex serves ({@code /socket.io/socket.io.msgpack.min.js}) in Debian's
 * headless Chromium against a Duplex server using {@link MsgpackParser}: events with binary both ways and acks both
 * ways, over polling upgraded to WebSocket and over WebSocket only.
 */
class MsgpackBrowserTest {
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
    @ValueSource(strings = {"polling,websocket", "websocket"})
    @Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
    void servedMsgpackBundleTalksToDuplex(String transports) throws Exception {
        ExternalProgram.require(CHROMIUM, "--version", "the browser test drives Debian's chromium");
        Node.require();
        List<JsonNode> auths = new CopyOnWriteArrayList<>();
        List<List<JsonNode>> answers = new CopyOnWriteArrayList<>();
        server = SocketIoServer.create(ServerOptions.builder().parser(MsgpackParser.instance()).build());
        server.onConnection(socket -> {
            auths.add(socket.handshake().auth());
            socket.emit("welcome", "hi", new byte[] {4, 5, 6});
            socket.emitWithAck("question", "q?").thenAccept(answers::add);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.on("done", (args, ack) -> socket.emit("bye"));
        });
        int port = FreePort.find();
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        browser = Node.start(Path.of("src/test/node/browser.js"), Map.of(), "http://127.0.0.1:" + port, transports);

        String line = browser.awaitLine(l -> l.startsWith("RESULT ") || l.startsWith("FAIL "), Duration.ofSeconds(90));
        assertThat(line).as(String.join("\n", browser.output())).startsWith("RESULT ");
        JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.substring("RESULT ".length()));
        assertThat(r.get("welcome").toString()).isEqualTo("[\"hi\",true,\"040506\"]");
        assertThat(r.get("question").asText()).isEqualTo("q?");
        assertThat(r.get("echo").toString()).isEqualTo("[\"h\u00e9llo\",true,\"010203\",\"0405\"]");
        assertThat(r.get("transport").asText()).isEqualTo("websocket");
        assertThat(auths).singleElement().hasToString("{\"token\":\"web\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> !answers.isEmpty());
        assertThat(answers.get(0).get(0).asText()).isEqualTo("answer");
        assertThat(answers.get(0).get(1).binaryValue()).containsExactly(9, 8);
    }
}
