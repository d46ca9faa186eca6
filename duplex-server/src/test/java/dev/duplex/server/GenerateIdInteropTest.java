package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code generateId} seen by the official socket.io-client 4.8.4: its {@code socket.io.engine.id} is the generated
 * Engine.IO id, on both transports and across the upgrade; the Socket.IO id stays random, as in socket.io.
 */
class GenerateIdInteropTest {
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
    void theClientSeesTheGeneratedEngineId(String transport) {
        AtomicInteger n = new AtomicInteger();
        Map<String, String> engineIds = new ConcurrentHashMap<>();
        io = TestServers.start(ServerOptions.builder()
                .generateId(req -> "node-1." + req.query("transport") + "." + n.incrementAndGet()).build());
        io.onConnection(s -> engineIds.put(s.id(), s.engineId()));
        node = new NodeDriver(io.port());
        node.send("connect", "name", "c", "nsp", "/", "transports",
                transport.equals("polling") ? List.of("polling", "websocket") : List.of("websocket"));
        JsonNode connect = node.expect("connect", "c");
        String expected = "node-1." + transport + ".1";
        assertThat(connect.path("engineId").asText()).isEqualTo(expected);
        String socketId = connect.path("id").asText();
        assertThat(engineIds).containsEntry(socketId, expected);
        assertThat(socketId).isNotEqualTo(expected);
        assertThat(n.get()).isEqualTo(1);
    }
}
