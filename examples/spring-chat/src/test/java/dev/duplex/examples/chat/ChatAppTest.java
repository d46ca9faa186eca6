package dev.duplex.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.client.IO;
import dev.duplex.client.IoOptions;
import dev.duplex.client.Socket;
import dev.duplex.server.SocketIoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example app on Spring Boot with the official socket.io-client 4.8.4 (Node) and Duplex's Java client: the
 * annotated handlers of {@link ChatController} answer, broadcast, refuse and see disconnect reasons.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"duplex.port=0", "chat.token=secret"})
class ChatAppTest {
    @Autowired
    SocketIoServer io;
    @Autowired
    ChatController controller;

    private NodeDriver node;
    private Socket bob;

    @AfterEach
    void tearDown() {
        if (bob != null) {
            bob.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static Socket javaClient(int port, String token, List<Object[]> events) {
        Socket socket = IO.socket("http://localhost:" + port, IoOptions.builder().forceNew(true).reconnection(false)
                .transports("websocket").auth(Map.of("token", token)).build());
        socket.onAny((event, args) -> events.add(new Object[]{event, args.length > 0 ? args[0] : null}));
        return socket;
    }

    static CompletableFuture<Void> connected(Socket socket) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        socket.on("connect", args -> f.complete(null));
        socket.on("connect_error", args -> f.completeExceptionally(new IllegalStateException(String.valueOf(args[0]))));
        return f;
    }

    static JsonNode json(Object value) {
        return NodeDriver.JSON.valueToTree(value);
    }

    @Test
    void annotatedHandlersWithTheOfficialAndTheJavaClient() throws Exception {
        node = new NodeDriver(io.port());
        node.connect("alice", Map.of("token", "secret"));

        List<Object[]> bobEvents = new CopyOnWriteArrayList<>();
        bob = javaClient(io.port(), "secret", bobEvents);
        CompletableFuture<Void> bobConnected = connected(bob);
        bob.connect();
        bobConnected.get(20, TimeUnit.SECONDS);

        // @OnEvent("join") with a record argument, answered through the return value (a record)
        JsonNode joined = node.emitAck("alice", "j1", "join", Map.of("nickname", "  alice "));
        assertThat(joined.get(0).path("ok").asBoolean()).isTrue();
        assertThat(joined.get(0).path("nickname").asText()).isEqualTo("alice");
        JsonNode refusedJoin = node.emitAck("alice", "j2", "join", Map.of("nickname", ""));
        assertThat(refusedJoin.get(0).path("ok").asBoolean()).isFalse();
        assertThat(refusedJoin.get(0).path("error").asText()).contains("1 to 24 characters");

        // the Java client: its ack is the controller's return value, and the broadcast reaches the Node client
        List<JsonNode> ack = bob.emitWithAck("chat message", Map.of("text", "hello from bob"))
                .get(20, TimeUnit.SECONDS);
        assertThat(ack).hasSize(1);
        assertThat(ack.get(0).path("ok").asBoolean()).isTrue();
        JsonNode posted = node.expect("event", "alice", n -> n.path("event").asText().equals("chat message"))
                .path("args").get(0);
        assertThat(posted.path("text").asText()).isEqualTo("hello from bob");
        assertThat(posted.path("nickname").asText()).isEqualTo("anonymous");
        assertThat(posted.path("id").asText()).isEqualTo(bob.id());
        // alice's message reaches bob (a broadcast to everyone, the sender included)
        node.emitAck("alice", "m1", "chat message", Map.of("text", "hi bob"));
        await().atMost(Duration.ofSeconds(20)).until(() -> bobEvents.stream().anyMatch(e -> e[0].equals("chat message")
                && json(e[1]).path("text").asText().equals("hi bob")
                && json(e[1]).path("nickname").asText().equals("alice")));

        // @Middleware refuses a wrong token: connect_error with the exception's message and data
        node.send("connect", "name", "mallory", "auth", Map.of("token", "wrong"));
        JsonNode refused = node.expect("connect_error", "mallory");
        assertThat(refused.path("message").asText()).isEqualTo("invalid token: access refused");
        assertThat(refused.path("data").path("hint").asText()).isEqualTo("send auth: {token}");
        List<Object[]> eveEvents = new CopyOnWriteArrayList<>();
        Socket eve = javaClient(io.port(), "nope", eveEvents);
        try {
            CompletableFuture<Void> eveConnected = connected(eve);
            eve.connect();
            assertThat(eveConnected).failsWithin(Duration.ofSeconds(20))
                    .withThrowableThat().withMessageContaining("invalid token: access refused");
        } finally {
            eve.close();
        }

        // @OnDisconnect gets the reason; here the others see it in "user left"
        node.send("disconnect", "name", "alice");
        await().atMost(Duration.ofSeconds(20)).until(() -> bobEvents.stream().anyMatch(e -> e[0].equals("user left")));
        JsonNode left = bobEvents.stream().filter(e -> e[0].equals("user left")).map(e -> json(e[1])).findFirst()
                .orElseThrow();
        assertThat(left.path("reason").asText()).isEqualTo("client namespace disconnect");
        assertThat(left.path("nickname").asText()).isEqualTo("alice");
        assertThat(controller.disconnectReasons()).contains("client namespace disconnect");

        // the Java client leaving: its socket's reason too
        bob.disconnect();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                controller.disconnectReasons().stream().filter("client namespace disconnect"::equals).count() == 2);
    }
}
