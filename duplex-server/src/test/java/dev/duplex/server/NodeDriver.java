package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.JsonLinesDriver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Drives src/test/node/socketio/driver.js: official socket.io-client sockets controlled by JSON lines. */
final class NodeDriver extends JsonLinesDriver {
    NodeDriver(int port) {
        super(Path.of("src/test/node/socketio/driver.js"), Map.of("SERVER_URL", "http://localhost:" + port),
                Duration.ofSeconds(20));
    }

    /** Waits for an event received by client {@code name}. */
    JsonNode awaitEvent(String name, String event) {
        return expect("event", name, n -> n.path("event").asText().equals(event));
    }

    /** Connects client {@code name} to {@code nsp} and waits for the connect (returns the connect line). */
    JsonNode connect(String name, String nsp, List<String> transports) {
        send("connect", "name", name, "nsp", nsp, "transports", transports);
        return expect("connect", name);
    }
}
