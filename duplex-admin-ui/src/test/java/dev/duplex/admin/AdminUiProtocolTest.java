package dev.duplex.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin-ui protocol as the official socket.io-client (Node) speaks it to a Duplex server with
 * {@link AdminUi#attach}: basic auth (a wrong password refused with "invalid credentials" as Node's admin-ui does,
 * a session id that logs in again), config, server_stats, all_sockets, the live events of a user client
 * (socket_connected, socket_updated on its upgrade, event_received, room_joined, room_left,
 * socket_disconnected) and the {@code _disconnect} action; read-only refuses the actions.
 */
class AdminUiProtocolTest {
    private static final String PASSWORD = "s3cret-pw";
    private static String hash;
    private SocketIoServer server;
    private AdminUi admin;
    private AdminDriver driver;

    @BeforeAll
    static void hashOnce() {
        hash = AdminUi.hashPassword(PASSWORD);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String start(AdminUiOptions.Builder options) {
        Node.require();
        server = SocketIoServer.create(ServerOptions.builder().build());
        server.onConnection(socket -> socket.on("join", (args, ack) -> {
            socket.join(args.get(0).asText());
            ack.send("joined");
        }));
        admin = AdminUi.attach(server, options.statsInterval(Duration.ofMillis(300)).build());
        int port = FreePort.find();
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        String url = "http://127.0.0.1:" + port;
        driver = new AdminDriver(url);
        return url;
    }

    @Test
    @Timeout(90)
    void loginStatsSocketsRoomsEventsAndDisconnectAction() {
        start(AdminUiOptions.builder().basicAuth("admin", hash));

        driver.send("cmd", "admin", "auth", Map.of("username", "admin", "password", "wrong"));
        assertThat(driver.await("ADMIN_CONNECT")).isEqualTo("_ERROR invalid credentials");
        driver.send("cmd", "admin", "auth", Map.of("username", "nobody", "password", PASSWORD));
        assertThat(driver.await("ADMIN_CONNECT")).isEqualTo("_ERROR invalid credentials");

        driver.send("cmd", "admin", "auth", Map.of("username", "admin", "password", PASSWORD));
        String sessionId = driver.adminEvent("session").get(0).asText();
        assertThat(sessionId).matches("[0-9a-f]{16}");
        JsonNode config = driver.adminEvent("config").get(0);
        assertThat(texts(config.get("supportedFeatures"))).containsExactly("EMIT", "JOIN", "LEAVE", "DISCONNECT",
                "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS");
        JsonNode all = driver.adminEvent("all_sockets").get(0);
        // the UI's own socket is listed, in the admin namespace, with its client id and transport
        assertThat(all).anySatisfy(s -> {
            assertThat(s.get("nsp").asText()).isEqualTo("/admin");
            assertThat(s.get("clientId").asText()).hasSize(12);
            assertThat(s.get("transport").asText()).isIn("polling", "websocket");
            assertThat(s.get("data").size()).isZero();
        });
        JsonNode stats = driver.adminEvent("server_stats", a -> a.get(0).get("clientsCount").asInt() >= 1).get(0);
        assertThat(stats.get("serverId").asText()).isEqualTo(admin.serverId());
        assertThat(stats.get("hostname").asText()).isNotEmpty();
        assertThat(stats.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(stats.get("uptime").asDouble()).isPositive();
        assertThat(stats.has("pollingClientsCount")).isTrue();
        assertThat(stats.get("aggregatedEvents").isArray()).isTrue();
        assertThat(stats.get("namespaces")).anySatisfy(n -> assertThat(n.get("name").asText()).isEqualTo("/"));

        driver.send("cmd", "user");
        String userId = driver.await("USER_CONNECT ");
        JsonNode connected = driver.adminEvent("socket_connected",
                a -> a.get(0).get("id").asText().equals(userId));
        JsonNode socket = connected.get(0);
        assertThat(socket.get("nsp").asText()).isEqualTo("/");
        // connected over polling, then upgraded (the upgrade may rarely be done before the connection handler ran)
        assertThat(socket.get("transport").asText()).isIn("polling", "websocket");
        assertThat(socket.get("clientId").asText()).hasSize(12);
        assertThat(socket.get("handshake").get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(socket.get("handshake").get("headers").isObject()).isTrue();
        assertThat(texts(socket.get("rooms"))).containsExactly(userId);
        assertThat(connected.get(1).asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        if (socket.get("transport").asText().equals("polling")) {
            JsonNode updated = driver.adminEvent("socket_updated", a -> a.get(0).get("id").asText().equals(userId));
            assertThat(updated.get(0).get("nsp").asText()).isEqualTo("/");
            assertThat(updated.get(0).get("transport").asText()).isEqualTo("websocket");
        }

        driver.send("cmd", "user-emit", "event", "join", "args", List.of("lobby"));
        assertThat(driver.await("USER_ACK ")).isEqualTo("[\"joined\"]");
        JsonNode received = driver.adminEvent("event_received", a -> a.get(1).asText().equals(userId));
        assertThat(received.get(0).asText()).isEqualTo("/");
        assertThat(received.get(2).toString()).isEqualTo("[\"join\",\"lobby\"]");
        JsonNode joined = driver.adminEvent("room_joined", a -> a.get(1).asText().equals("lobby"));
        assertThat(joined.get(0).asText()).isEqualTo("/");
        assertThat(joined.get(2).asText()).isEqualTo(userId);

        // the UI's other actions on that socket (its id is a room): join, emit, leave
        driver.send("cmd", "admin-emit", "event", "join", "args", List.of("/", "vip", userId));
        assertThat(driver.adminEvent("room_joined", a -> a.get(1).asText().equals("vip")).get(2).asText())
                .isEqualTo(userId);
        assertThat(server.sockets().sockets().get(userId).rooms()).contains("vip");
        driver.send("cmd", "admin-emit", "event", "emit", "args", List.of("/", "vip", "news", Map.of("n", 1), "x"));
        assertThat(driver.await("USER_EVENT news ")).isEqualTo("[{\"n\":1},\"x\"]");
        JsonNode sent = driver.adminEvent("event_sent", a -> a.get(1).asText().equals(userId)
                && a.get(2).get(0).asText().equals("news"));
        assertThat(sent.get(2).toString()).isEqualTo("[\"news\",{\"n\":1},\"x\"]");
        driver.send("cmd", "admin-emit", "event", "leave", "args", List.of("/", "vip", userId));
        assertThat(driver.adminEvent("room_left", a -> a.get(1).asText().equals("vip")).get(2).asText())
                .isEqualTo(userId);
        // malformed actions are ignored
        driver.send("cmd", "admin-emit", "event", "join", "args", List.of(42, "x"));
        driver.send("cmd", "admin-emit", "event", "_disconnect", "args", List.of("/nope", true));

        // the UI's "disconnect" button on that socket
        driver.send("cmd", "admin-emit", "event", "_disconnect", "args", List.of("/", false, userId));
        assertThat(driver.await("USER_DISCONNECT ")).isEqualTo("io server disconnect");
        JsonNode left = driver.adminEvent("room_left", a -> a.get(1).asText().equals("lobby"));
        assertThat(left.get(2).asText()).isEqualTo(userId);
        JsonNode gone = driver.adminEvent("socket_disconnected", a -> a.get(1).asText().equals(userId));
        assertThat(gone.get(0).asText()).isEqualTo("/");
        assertThat(gone.get(2).asText()).isEqualTo("server namespace disconnect");
        assertThat(server.sockets().sockets()).doesNotContainKey(userId);

        // the aggregated counts came along: connections, packets and bytes
        List<String> types = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode s = driver.adminEvent("server_stats").get(0);
            s.get("aggregatedEvents").forEach(e -> types.add(e.get("type").asText()));
            return types.containsAll(List.of("rawConnection", "packetsIn", "bytesIn", "packetsOut", "bytesOut"));
        });

        // the session id the server gave logs in again without the password
        driver.send("cmd", "admin", "auth", Map.of("sessionId", sessionId));
        assertThat(driver.await("ADMIN_CONNECT")).isEmpty();
        driver.send("cmd", "admin", "auth", Map.of("sessionId", "0123456789abcdef"));
        assertThat(driver.await("ADMIN_CONNECT")).isEqualTo("_ERROR invalid credentials");
    }

    @Test
    @Timeout(90)
    void readonlyRefusesTheActions() {
        start(AdminUiOptions.builder().noAuth().readonly(true));
        // answers after the admin socket's earlier packets were handled (one lane per connection, in order)
        admin.namespace().onConnection(s -> s.on("probe", (args, ack) -> ack.send("handled")));

        driver.send("cmd", "user");
        String userId = driver.await("USER_CONNECT ");
        driver.send("cmd", "admin", "auth", Map.of());
        JsonNode config = driver.adminEvent("config").get(0);
        assertThat(texts(config.get("supportedFeatures"))).containsExactly("AGGREGATED_EVENTS", "ALL_EVENTS");
        assertThat(driver.adminEvent("all_sockets").get(0))
                .anySatisfy(s -> assertThat(s.get("id").asText()).isEqualTo(userId));

        driver.send("cmd", "admin-emit", "event", "_disconnect", "args", List.of("/", true, userId));
        driver.send("cmd", "admin-emit", "event", "join", "args", List.of("/", "vip", userId));
        driver.send("cmd", "admin-emit", "event", "probe", "args", List.of(), "ack", true);
        assertThat(driver.await("ADMIN_ACK ")).isEqualTo("[\"handled\"]");
        driver.send("cmd", "user-emit", "event", "join", "args", List.of("lobby"));
        assertThat(driver.await("USER_ACK ")).isEqualTo("[\"joined\"]");
        assertThat(server.sockets().sockets().get(userId).rooms()).containsExactlyInAnyOrder(userId, "lobby");
    }

    @Test
    @Timeout(60)
    void productionModeSendsNoSocketEvents() {
        start(AdminUiOptions.builder().noAuth().mode(AdminUiOptions.Mode.PRODUCTION));
        driver.send("cmd", "admin", "auth", Map.of());
        JsonNode config = driver.adminEvent("config").get(0);
        assertThat(texts(config.get("supportedFeatures"))).doesNotContain("ALL_EVENTS").contains("DISCONNECT");
        driver.send("cmd", "user");
        String userId = driver.await("USER_CONNECT ");
        await().atMost(Duration.ofSeconds(20)).until(() -> driver.adminEvent("server_stats").get(0)
                .get("namespaces").toString().contains("{\"name\":\"/\",\"socketsCount\":1}"));
        assertThat(server.sockets().sockets().get(userId).data()).isEmpty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
