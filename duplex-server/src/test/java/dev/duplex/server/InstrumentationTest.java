package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@link Instrumentation} hooks, driven by the official socket.io-client 4.8.4. */
class InstrumentationTest extends NodeInteropBase {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Long> roundTrips = new CopyOnWriteArrayList<>();

    /** Records every call but the per-packet ones, which it keeps apart. */
    private final Instrumentation recorder = new Instrumentation() {
        @Override
        public void connectionOpened(String transport) {
            calls.add("opened " + transport);
        }

        @Override
        public void connectionClosed(String transport, String reason) {
            calls.add("closed " + transport + " " + reason);
        }

        @Override
        public void upgraded(String transport) {
            calls.add("upgraded " + transport);
        }

        @Override
        public void socketConnected(String namespace) {
            calls.add("connected " + namespace);
        }

        @Override
        public void socketDisconnected(String namespace, String reason) {
            calls.add("disconnected " + namespace + " " + reason);
        }

        @Override
        public void connectError(String namespace, String cause) {
            calls.add("connect error " + namespace + " " + cause);
        }

        @Override
        public void packetIn(String transport, int bytes) {
            calls.add("in " + transport + " " + bytes);
        }

        @Override
        public void packetOut(String transport, int bytes) {
            calls.add("out " + transport + " " + bytes);
        }

        @Override
        public void broadcast(String namespace) {
            calls.add("broadcast " + namespace);
        }

        @Override
        public void broadcastRecipient() {
            calls.add("recipient");
        }

        @Override
        public void ackSent() {
            calls.add("ack sent");
        }

        @Override
        public void ackReceived() {
            calls.add("ack received");
        }

        @Override
        public void ackRoundTrip(long nanos) {
            roundTrips.add(nanos);
        }

        @Override
        public void handlerQueueDelay(long nanos) {
            calls.add("queued");
        }
    };

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void hooksSeeConnectionsPacketsAcksBroadcastsAndErrors() {
        io = TestServers.start(ServerOptions.builder().instrumentation(recorder).build());
        io.use((socket, next) -> {
            JsonNode auth = socket.handshake().auth();
            if (auth != null && auth.path("fail").asText().equals("error")) {
                throw new IllegalStateException("boom");
            }
            next.accept(null);
        });
        io.onConnection(s -> {
            s.on("bin", (args, ack) -> ack.send("ok"));
            s.on("ask me", (args, ack) -> s.emitWithAck("question", "é"));
            s.on("news please", (args, ack) -> io.emit("news", 1));
        });
        node = new NodeDriver(io.port());

        node.connect("a", "/", List.of("websocket"));
        assertThat(calls).contains("opened websocket", "connected /", "in websocket " + utf8("40"));

        // a binary event with an ack: the text and the attachment are one packet in
        node.send("emitAck", "name", "a", "id", "1", "event", "bin", "args", List.of(Map.of("$bin", List.of(1, 2, 3))));
        node.expect("ack", "a");
        // sizes are those of the WebSocket frame payloads: "4" + the Socket.IO packet, plus the attachments
        String binFrame = "451-0[\"bin\",{\"_placeholder\":true,\"num\":0}]";
        assertThat(calls).contains("in websocket " + (utf8(binFrame) + 3), "ack sent",
                "out websocket " + utf8("430[\"ok\"]"));

        // a server emitWithAck answered by the client: its round trip
        node.send("emit", "name", "a", "event", "ask me", "args", List.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> calls.contains("ack received"));
        await().atMost(Duration.ofSeconds(20)).until(() -> roundTrips.size() == 1);
        assertThat(roundTrips.get(0)).isPositive();
        assertThat(calls).contains("out websocket " + utf8("420[\"question\",\"é\"]"));

        // a broadcast to the namespace, one local recipient
        node.send("emit", "name", "a", "event", "news please", "args", List.of());
        node.awaitEvent("a", "news");
        assertThat(calls).containsSubsequence("broadcast /", "recipient");
        assertThat(calls.stream().filter("recipient"::equals)).hasSize(1);

        // refused namespace connections
        node.send("connect", "name", "b", "nsp", "/nope", "transports", List.of("websocket"));
        node.expect("connect_error", "b");
        node.send("connect", "name", "c", "nsp", "/", "transports", List.of("websocket"), "auth", Map.of("fail", "error"));
        node.expect("connect_error", "c");
        assertThat(calls).contains("connect error /nope invalid namespace", "connect error / middleware error");

        // polling, then the upgrade
        node.send("connect", "name", "u", "nsp", "/", "transports", List.of("polling", "websocket"));
        node.expect("upgrade", "u");
        // the client reports its upgrade once it has sent "5", which the server may not have read yet
        await().atMost(Duration.ofSeconds(20)).until(() -> calls.contains("upgraded websocket"));
        assertThat(calls).contains("opened polling");

        // every decoded packet waited for its lane once
        long in = calls.stream().filter(c -> c.startsWith("in ")).count();
        await().atMost(Duration.ofSeconds(20)).until(() -> calls.stream().filter("queued"::equals).count() == in);

        node.send("disconnect", "name", "a");
        await().atMost(Duration.ofSeconds(20)).until(() -> calls.contains("closed websocket transport close"));
        assertThat(calls).contains("disconnected / client namespace disconnect");
    }
}
