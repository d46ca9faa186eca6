package dev.duplex.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code socket.disconnect(true)} seen by the official socket.io-client 4.8.4: a DISCONNECT per namespace before the
 * connection closes, so the client's reason is "io server disconnect" and it does not reconnect (as with socket.io).
 */
class ServerDisconnectInteropTest extends NodeInteropBase {
    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void kickSendsDisconnectForEveryNamespaceAndTheClientStaysDisconnected(String transport) {
        AtomicInteger connections = new AtomicInteger();
        Map<String, String> reasons = new ConcurrentHashMap<>();
        io = TestServers.start(ServerOptions.builder().build());
        io.onConnection(s -> {
            connections.incrementAndGet();
            s.onDisconnect(r -> reasons.put("/", r));
            s.on("kick", (args, ack) -> s.disconnect(true));
        });
        io.of("/other").onConnection(s -> s.onDisconnect(r -> reasons.put("/other", r)));
        node = new NodeDriver(io.port());
        node.send("connect", "name", "k", "nsp", "/", "transports", List.of(transport),
                "reconnection", true, "reconnectionDelay", 100);
        node.expect("connect", "k");
        node.send("connect", "name", "k2", "sameAs", "k", "nsp", "/other");
        node.expect("connect", "k2");

        node.send("emit", "name", "k", "event", "kick", "args", List.of());

        assertThat(node.expect("disconnect", "k").path("reason").asText()).isEqualTo("io server disconnect");
        assertThat(node.expect("disconnect", "k2").path("reason").asText()).isEqualTo("io server disconnect");
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.size() == 2);
        assertThat(reasons).containsEntry("/", "server namespace disconnect")
                .containsEntry("/other", "server namespace disconnect");
        // a client that saw "transport close" would try again after 100 ms; this one must stay away
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                node.find(n -> n.path("type").asText().equals("reconnect_attempt")).isEmpty()
                        && connections.get() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> io.clientsCount() == 0);
    }
}
