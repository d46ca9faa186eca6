package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code addTrailingSlash}, server and official socket.io-client 4.8.4: a client that requests {@code /socket.io?...}
 * (its own {@code addTrailingSlash: false}) reaches a server with {@code addTrailingSlash(false)}, and not one with
 * the default, as with socket.io.
 */
class TrailingSlashInteropTest {
    private SocketIoServer io;
    private NodeDriver node;

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.close();
        }
        if (io != null) {
            io.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void aClientWithoutTheSlashConnectsOnlyWhenTheServerDoesNotAddIt(String transport) {
        io = TestServers.start(ServerOptions.builder().addTrailingSlash(false).build());
        io.onConnection(s -> s.on("echo", (args, ack) -> ack.send(args)));
        node = new NodeDriver(io.port());
        node.send("connect", "name", "bare", "nsp", "/", "transports", List.of(transport),
                "addTrailingSlash", false);
        assertThat(node.expect("connect", "bare").path("transport").asText()).isEqualTo(transport);
        // the default client (with the slash) still matches the shorter prefix
        node.send("connect", "name", "slash", "nsp", "/", "transports", List.of(transport));
        node.expect("connect", "slash");
        node.close();
        node = null;
        io.close();

        io = TestServers.start(ServerOptions.builder().build());
        node = new NodeDriver(io.port());
        node.send("connect", "name", "bare", "nsp", "/", "transports", List.of(transport),
                "addTrailingSlash", false);
        node.expect("connect_error", "bare");
        assertThat(io.clientsCount()).isZero();
    }
}
