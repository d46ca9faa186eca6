package dev.duplex.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.JsonLinesDriver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Drives src/test/node/driver.js: official socket.io-client 4.8.4 sockets controlled by JSON lines. */
final class NodeDriver extends JsonLinesDriver {
    NodeDriver(int port) {
        super(Path.of("src/test/node/driver.js"), Map.of("SERVER_URL", "http://localhost:" + port),
                Duration.ofSeconds(30));
    }

    /** Connects client {@code name} over WebSocket with this auth and waits for its connect. */
    JsonNode connect(String name, Object auth) {
        send("connect", "name", name, "auth", auth);
        return expect("connect", name);
    }

    /** Emits with an ack and waits for the ack's arguments. */
    JsonNode emitAck(String name, String id, String event, Object... args) {
        send("emitAck", "name", name, "id", id, "event", event, "args", List.of(args));
        return expect("ack", name, n -> n.path("id").asText().equals(id)).path("args");
    }
}
