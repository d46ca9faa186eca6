package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.client.ClientScenarios.Mode;
import dev.duplex.testkit.FreePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connection state recovery with the Java client, against Node socket.io 4.8.4 ({@code connectionStateRecovery: {}})
 * and against Duplex: the client's transport is closed under it, the server broadcasts while it is away, the client
 * comes back with the same id, {@link Socket#recovered()} true and the missed events before its "connect".
 */
class ClientRecoveryTest {
    private static final Duration T = Duration.ofSeconds(15);
    private ServerUnderTest server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            s.close();
            s.io().close();
        }
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> servers() {
        List<Arguments> list = new ArrayList<>();
        for (String kind : List.of("node", "duplex")) {
            for (Mode mode : List.of(Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY)) {
                list.add(Arguments.of(kind, mode));
            }
        }
        return list.stream();
    }

    private int start(String kind) {
        for (int attempt = 1;; attempt++) {
            server = kind.equals("node") ? new NodeServer(Map.of("RECOVERY", "1")) : new DuplexServer(true);
            int port = FreePort.find();
            try {
                server.start(port);
                return port;
            } catch (AssertionError | RuntimeException e) {
                server.close();
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private Socket socket(int port, Mode mode) {
        Socket s = IO.socket("http://127.0.0.1:" + port + "/", IoOptions.builder().transports(mode.transports)
                .forceNew(true).reconnection(false).timeout(Duration.ofSeconds(10))
                .auth(Map.of("token", "ok")).build());
        sockets.add(s);
        return s;
    }

    private static <X> X get(java.util.concurrent.CompletableFuture<X> f) throws Exception {
        return f.get(T.toMillis(), TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servers")
    void theClientComesBackAsTheSameSocketWithTheEventsItMissed(String kind, Mode mode) throws Exception {
        int port = start(kind);
        Socket a = socket(port, mode);
        Socket control = socket(port, mode);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<Integer> argCounts = Collections.synchronizedList(new ArrayList<>());
        a.on("m", args -> {
            log.add("m " + args[0]);
            argCounts.add(args.length);
            assertThat(((JsonNode) args[args.length - 1]).isTextual()).isTrue();
        });
        a.on("connect", args -> log.add("connect " + a.recovered()));
        a.connect();
        await().atMost(T).until(() -> log.contains("connect false"));
        String id = a.id();
        assertThat(server.awaitPrefix("connection / ", T)).isEqualTo("{\"token\":\"ok\"}");
        assertThat(server.awaitPrefix("recovered / ", T)).isEqualTo("false " + id);
        assertThat(texts(get(a.emitWithAck("join", "r1")))).containsExactly("\"joined\"");
        control.connect();
        server.awaitPrefix("recovered / ", T);
        get(control.emitWithAck("relay", "r1", "m", 0));
        await().atMost(T).until(() -> log.contains("m 0"));
        // the offset came as an extra last argument, as socket.io-client gives it
        assertThat(argCounts).containsExactly(2);

        a.io().loop().execute(() -> a.io().engine().close());
        assertThat(server.awaitPrefix("disconnect / ", T)).isEqualTo("transport close");
        get(control.emitWithAck("relay", "r1", "m", 1));
        get(control.emitWithAck("relay", null, "m", 2));
        get(control.emitWithAck("relay", "elsewhere", "m", -1));
        a.connect();
        await().atMost(T).until(() -> log.contains("connect true"));
        assertThat(a.id()).isEqualTo(id);
        assertThat(a.recovered()).isTrue();
        // the CONNECT's auth: socket.io-client's Object.assign({pid, offset}, auth)
        JsonNode auth = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                server.awaitPrefix("connection / ", T));
        assertThat(auth.path("pid").isTextual()).isTrue();
        assertThat(auth.path("offset").isTextual()).isTrue();
        assertThat(auth.path("token").asText()).isEqualTo("ok");
        assertThat(server.awaitPrefix("recovered / ", T)).isEqualTo("true " + id);
        get(control.emitWithAck("relay", "r1", "m", 3)); // its room came back with it
        await().atMost(T).until(() -> log.contains("m 3"));
        assertThat(log).containsExactly("connect false", "m 0", "m 1", "m 2", "connect true", "m 3");
    }

    private static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::toString).toList();
    }
}
