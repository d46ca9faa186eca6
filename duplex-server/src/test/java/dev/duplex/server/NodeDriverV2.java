package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.JsonLinesDriver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Drives src/test/node/socketio/driver-v2.js: official socket.io-client 2.5.0 sockets controlled by JSON lines. */
final class NodeDriverV2 extends JsonLinesDriver {
    NodeDriverV2(int port) {
        super(Path.of("src/test/node/socketio/driver-v2.js"), Map.of("SERVER_URL", "http://localhost:" + port),
                Duration.ofSeconds(20));
    }

    /** Waits for an event received by client {@code name}. */
    JsonNode awaitEvent(String name, String event) {
        return expect("event", name, n -> n.path("event").asText().equals(event));
    }
}
