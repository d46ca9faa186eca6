package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.BroadcastOptions;
import dev.duplex.adapter.ClusterMessage;
import dev.duplex.adapter.RemoteSocketDetails;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The captured classic-protocol vectors (commands seen on a real Redis between two Node socket.io 4.8.4 nodes with
 * {@code @socket.io/redis-adapter} 8.3.0, and {@code @socket.io/redis-emitter} 5.1.0): Duplex produces the
 * deterministic ones byte for byte from plain Java values, and decodes every one.
 */
class ClassicVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    static List<JsonNode> vectors() throws IOException {
        try (InputStream in = ClassicVectorsTest.class.getResourceAsStream("/classic-vectors.json")) {
            List<JsonNode> list = new ArrayList<>();
            JSON.readTree(in).forEach(list::add);
            return list;
        }
    }

    /** The payload of the first PUBLISH of {@code mode}/{@code step} on a channel starting with {@code channel}. */
    private static byte[] payload(String mode, String step, String channel, int nth) throws IOException {
        int seen = 0;
        for (JsonNode v : vectors()) {
            if (v.path("mode").asText().equals(mode) && v.path("step").asText().equals(step)
                    && v.path("command").asText().equals("PUBLISH") && v.path("channel").asText().startsWith(channel)
                    && seen++ == nth) {
                return bytes(v);
            }
        }
        throw new AssertionError("no vector " + mode + " " + step + " " + channel);
    }

    private static byte[] bytes(JsonNode v) {
        return v.path("format").asText().equals("msgpack") ? HEX.parseHex(v.path("hex").asText())
                : v.path("text").asText().getBytes(StandardCharsets.UTF_8);
    }

    private static Set<String> set(String... s) {
        return new LinkedHashSet<>(Arrays.asList(s));
    }

    private static BroadcastOptions opts(Set<String> rooms, Set<String> except, BroadcastFlags flags) {
        return new BroadcastOptions(rooms, except, flags);
    }

    private static void assertBytes(byte[] actual, byte[] expected) {
        assertThat(HEX.formatHex(actual)).isEqualTo(HEX.formatHex(expected));
    }

    @Test
    void broadcastsAreProducedByteForByte() throws IOException {
        for (String mode : List.of("classic", "classic-specific")) {
            String uid = mode.equals("classic") ? "6BveK-" : "U4rGb-";
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("a", true);
            List<Object> hello = new ArrayList<>(List.of("hello", "world", 1, 2.5, a));
            hello.add(null);
            assertBytes(ClassicCodec.encodeBroadcast(uid, "/", hello, BroadcastOptions.all()),
                    payload(mode, "io.emit", "socket.io#/#", 0));
            assertBytes(ClassicCodec.encodeBroadcast(uid, "/", List.of("room-event", "x"),
                    opts(set("room1"), set(), BroadcastFlags.DEFAULT)), payload(mode, "io.to(room1).emit",
                    "socket.io#/#room1#", 0));
            assertThat(ClassicCodec.broadcastChannel("socket.io", "/", set("room1"))).isEqualTo("socket.io#/#room1#");
            assertBytes(ClassicCodec.encodeBroadcast(uid, "/", List.of("multi", 1),
                            opts(set("room1", "room2"), set("room3"), BroadcastFlags.DEFAULT)),
                    payload(mode, "io.to([room1,room2]).except(room3).emit", "socket.io#/#", 0));
            assertThat(ClassicCodec.broadcastChannel("socket.io", "/", set("room1", "room2"))).isEqualTo("socket.io#/#");
            assertBytes(ClassicCodec.encodeBroadcast(uid, "/", List.of("vol", 1),
                            opts(set(), set(), new BroadcastFlags(true, false, false, false, null))),
                    payload(mode, "io.volatile.compress(false).emit", "socket.io#/#", 0));
            assertBytes(ClassicCodec.encodeBroadcast(uid, "/", List.of("bin", new byte[] {1, 2, 3}),
                    BroadcastOptions.all()), payload(mode, "io.emit(binary)", "socket.io#/#", 0));
        }
        assertBytes(ClassicCodec.encodeBroadcast("C3cM6p", "/chat", List.of("chat-msg", "hi"), BroadcastOptions.all()),
                payload("classic", "io.of(/chat).emit", "socket.io#/chat#", 0));
    }

    @Test
    void requestsAndResponsesAreProducedByteForByte() throws IOException {
        String uid = "6BveK-";
        String m = "classic";
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.fetchSockets(uid, "leSJV8", BroadcastOptions.all()), "/"),
                payload(m, "io.fetchSockets", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.serverSideEmit(uid, null, List.of("sse", "hi", 42)), "/"),
                payload(m, "io.serverSideEmit", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.serverSideEmit(uid, "RMmBBJ",
                List.of("sse-ack", "ping")), "/"), payload(m, "io.serverSideEmitWithAck", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeResponse(ClusterMessage.serverSideEmitResponse("x", "RMmBBJ",
                JSON.getNodeFactory().textNode("pong-from-S2"))),
                payload(m, "io.serverSideEmitWithAck", "socket.io-response#/#", 0));
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.socketsJoinLeave(uid, true, BroadcastOptions.all(),
                set("room9")), "/"), payload(m, "io.socketsJoin(room9)", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.socketsJoinLeave(uid, false,
                        opts(set("room9"), set(), BroadcastFlags.DEFAULT), set("room9")), "/"),
                payload(m, "io.in(room9).socketsLeave(room9)", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.disconnectSockets(uid,
                        opts(set("hAQ0t3ZCHgKngOfeAAAA"), set(), BroadcastFlags.DEFAULT), true), "/"),
                payload(m, "disconnectSockets(C2)", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.allRooms(uid, "2Apqps"), "/"),
                payload(m, "adapter.allRooms", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeResponse(ClusterMessage.allRoomsResponse("x", "2Apqps",
                set("hAQ0t3ZCHgKngOfeAAAA", "room1"))), payload(m, "adapter.allRooms", "socket.io-response#/#", 0));
        // broadcast with acks: msgpack request, JSON count, msgpack ack
        assertBytes(ClassicCodec.encodeRequest(ClusterMessage.broadcast(uid, List.of("ack-event", "q"),
                        opts(set(), set(), new BroadcastFlags(false, true, false, false, Duration.ofMillis(2000))),
                        "1BfrHP"), "/"),
                payload(m, "io.timeout(2000).emitWithAck", "socket.io-request#/#", 0));
        assertBytes(ClassicCodec.encodeResponse(ClusterMessage.clientCount("x", "1BfrHP", 1)),
                payload(m, "io.timeout(2000).emitWithAck", "socket.io-response#/#", 0));
        assertBytes(ClassicCodec.encodeResponse(ClusterMessage.broadcastAck("x", "1BfrHP",
                        JSON.getNodeFactory().textNode("ack-from-C2"))),
                payload(m, "io.timeout(2000).emitWithAck", "socket.io-response#/#", 1));
    }

    @Test
    void fetchSocketsResponseIsProducedByteForByteFromTheSameSocket() throws IOException {
        byte[] captured = payload("classic", "io.fetchSockets", "socket.io-response#/#", 0);
        JsonNode s = JSON.readTree(captured).get("sockets").get(0);
        RemoteSocketDetails socket = new RemoteSocketDetails(s.get("id").asText(), s.get("handshake"),
                ClassicCodec.strings(s.get("rooms")), Map.of());
        assertBytes(ClassicCodec.encodeResponse(ClusterMessage.fetchSocketsResponse("x", "leSJV8", List.of(socket))),
                captured);
    }

    @Test
    void emitterPayloadsAreProducedByteForByte() throws IOException {
        String m = "classic";
        assertBytes(ClassicCodec.encodeEmitterBroadcast("/", List.of("from-emitter", "e1"), set(), set(), Map.of()),
                payload(m, "emitter", "socket.io#/#", 0));
        assertBytes(ClassicCodec.encodeEmitterBroadcast("/", List.of("from-emitter-room", "e2"), set("room1"), set(),
                Map.of()), payload(m, "emitter", "socket.io#/#room1#", 0));
        assertBytes(ClassicCodec.encodeEmitterBroadcast("/chat", List.of("from-emitter-chat", "e3"), set(), set(),
                Map.of()), payload(m, "emitter", "socket.io#/chat#", 0));
    }

    @Test
    void everyCapturedMessageDecodes() throws IOException {
        int broadcasts = 0;
        int requests = 0;
        int responses = 0;
        for (JsonNode v : vectors()) {
            if (!v.path("command").asText().equals("PUBLISH")) {
                continue;
            }
            String channel = v.path("channel").asText();
            byte[] payload = bytes(v);
            String what = v.path("mode").asText() + " " + v.path("step").asText() + " on " + channel;
            if (channel.startsWith("socket.io-request#")) {
                String nsp = channel.substring("socket.io-request#".length(), channel.length() - 1);
                ClusterMessage msg = ClassicCodec.decodeRequest(ClassicCodec.decode(payload));
                assertThat(msg).as(what).isNotNull();
                assertThat(nsp).isEqualTo("/");
                requests++;
            } else if (channel.startsWith("socket.io-response#")) {
                ClusterMessage msg = ClassicCodec.decodeResponse(ClassicCodec.decode(payload));
                assertThat(msg).as(what).isNotNull();
                assertThat(msg.type().isResponse()).isTrue();
                if (msg.type() == ClusterMessage.Type.FETCH_SOCKETS_RESPONSE) {
                    assertThat(msg.sockets()).isNotEmpty();
                    assertThat(msg.sockets().get(0).handshakeJson().path("issued").isNumber()).as(what).isTrue();
                    assertThat(msg.sockets().get(0).rooms()).contains(msg.sockets().get(0).id());
                }
                responses++;
            } else {
                String nsp = channel.startsWith("socket.io#/chat#") ? "/chat" : "/";
                ClusterMessage msg = ClassicCodec.decodeBroadcast(payload, nsp);
                assertThat(msg).as(what).isNotNull();
                assertThat(msg.args()).isNotEmpty();
                assertThat(ClassicCodec.decodeBroadcast(payload, nsp.equals("/") ? "/chat" : "/")).as(what).isNull();
                broadcasts++;
            }
        }
        assertThat(broadcasts).isGreaterThanOrEqualTo(22);
        assertThat(requests).isGreaterThanOrEqualTo(26);
        assertThat(responses).isGreaterThanOrEqualTo(12);
    }

    @Test
    void decodedValuesAreTheCapturedOnes() throws IOException {
        ClusterMessage vol = ClassicCodec.decodeBroadcast(payload("classic", "io.volatile.compress(false).emit",
                "socket.io#/#", 0), "/");
        assertThat(vol.uid()).isEqualTo("6BveK-");
        assertThat(vol.opts().flags().volatileFlag()).isTrue();
        assertThat(vol.opts().flags().compress()).isFalse();
        ClusterMessage bin = ClassicCodec.decodeBroadcast(payload("classic", "io.emit(binary)", "socket.io#/#", 0), "/");
        assertThat(((JsonNode) bin.args().get(1)).binaryValue()).containsExactly(1, 2, 3);
        ClusterMessage multi = ClassicCodec.decodeBroadcast(payload("classic",
                "io.to([room1,room2]).except(room3).emit", "socket.io#/#", 0), "/");
        assertThat(multi.opts().rooms()).containsExactly("room1", "room2");
        assertThat(multi.opts().except()).containsExactly("room3");
        ClusterMessage ack = ClassicCodec.decodeRequest(ClassicCodec.decode(payload("classic",
                "io.timeout(2000).emitWithAck", "socket.io-request#/#", 0)));
        assertThat(ack.type()).isEqualTo(ClusterMessage.Type.BROADCAST);
        assertThat(ack.requestId()).isEqualTo("1BfrHP");
        assertThat(ack.opts().flags().timeout()).isEqualTo(Duration.ofMillis(2000));
        ClusterMessage join = ClassicCodec.decodeRequest(ClassicCodec.decode(payload("classic", "emitter",
                "socket.io-request#/#", 1)));
        assertThat(join.type()).isEqualTo(ClusterMessage.Type.SOCKETS_JOIN);
        assertThat(join.uid()).isNull();
        assertThat(join.opts().rooms()).containsExactly("room1");
        assertThat(join.rooms()).containsExactly("room7");
    }
}
