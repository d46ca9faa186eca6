package dev.duplex.examples.chat;

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

/** Drives src/test/node/driver.js: official socket.io-client 4.8.4 sockets controlled by JSON lines. */
final class NodeDriver implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final ManagedProcess process;

    NodeDriver(int port) {
        Node.require();
        this.process = Node.start(Path.of("src/test/node/driver.js"), Map.of("SERVER_URL", "http://localhost:" + port));
        expect("ready", null);
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

    /** Waits for a line of this type (for client {@code name} when not null) matching {@code more}. */
    JsonNode expect(String type, String name, Predicate<JsonNode> more) {
        Predicate<JsonNode> p = n -> n.path("type").asText().equals(type)
                && (name == null || n.path("name").asText().equals(name)) && more.test(n);
        try {
            await(type + " of " + name).atMost(Duration.ofSeconds(30)).until(() -> !find(p).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> out = process.output();
            throw new AssertionError("no " + type + " of " + name + "; driver output (last 30 lines): "
                    + out.subList(Math.max(0, out.size() - 30), out.size()), e);
        }
        return find(p).get(0);
    }

    JsonNode expect(String type, String name) {
        return expect(type, name, n -> true);
    }

    /** The events {@code event} received by client {@code name} so far. */
    List<JsonNode> events(String name, String event) {
        return find(n -> n.path("type").asText().equals("event") && n.path("name").asText().equals(name)
                && n.path("event").asText().equals(event));
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
