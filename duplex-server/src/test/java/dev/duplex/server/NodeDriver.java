package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Drives src/test/node/socketio/driver.js: official socket.io-client sockets controlled by JSON lines. */
final class NodeDriver implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final ManagedProcess process;

    NodeDriver(int port) {
        Node.require();
        this.process = Node.start(Path.of("src/test/node/socketio/driver.js"),
                Map.of("SERVER_URL", "http://localhost:" + port));
        await("driver ready").atMost(Duration.ofSeconds(20)).until(() -> !find(l -> l.path("type").asText().equals("ready")).isEmpty());
    }

    /** Sends a command: alternating keys and values. */
    void send(String cmd, Object... kv) {
        ObjectNode node = JSON.createObjectNode();
        node.put("cmd", cmd);
        for (int i = 0; i < kv.length; i += 2) {
            node.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        process.send(node.toString());
    }

    /** Every JSON line printed so far that matches. */
    List<JsonNode> find(Predicate<JsonNode> match) {
        List<JsonNode> result = new ArrayList<>();
        for (String line : process.output()) {
            if (!line.startsWith("{")) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (match.test(node)) {
                    result.add(node);
                }
            } catch (Exception ignored) {
                // not one of ours
            }
        }
        return result;
    }

    /** Waits for a line of this type for this client matching {@code more}; returns the first. */
    JsonNode expect(String type, String name, Predicate<JsonNode> more) {
        Predicate<JsonNode> p = n -> n.path("type").asText().equals(type)
                && (name == null || n.path("name").asText().equals(name)) && more.test(n);
        await(type + " of " + name).atMost(Duration.ofSeconds(20)).until(() -> !find(p).isEmpty());
        return find(p).get(0);
    }

    JsonNode expect(String type, String name) {
        return expect(type, name, n -> true);
    }

    /** Waits for an event received by client {@code name}. */
    JsonNode awaitEvent(String name, String event) {
        return expect("event", name, n -> n.path("event").asText().equals(event));
    }

    List<JsonNode> events(String name, String event) {
        return find(n -> n.path("type").asText().equals("event") && n.path("name").asText().equals(name)
                && n.path("event").asText().equals(event));
    }

    /** Connects client {@code name} to {@code nsp} and waits for the connect (returns the connect line). */
    JsonNode connect(String name, String nsp, List<String> transports) {
        send("connect", "name", name, "nsp", nsp, "transports", transports);
        return expect("connect", name);
    }

    List<String> output() {
        return process.output();
    }

    /** Kills the process at once: its connections close without any DISCONNECT. */
    void kill() {
        process.close();
    }

    @Override
    public void close() {
        try {
            send("exit");
        } catch (RuntimeException ignored) {
            // already gone
        }
        process.close();
    }
}
