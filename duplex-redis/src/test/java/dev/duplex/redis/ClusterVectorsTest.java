package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.BroadcastOptions;
import dev.duplex.adapter.ClusterMessage;
import dev.duplex.redis.ShardedRedisAdapterOptions.SubscriptionMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The captured vectors of the sharded {@code @socket.io/redis-adapter} 8.3.0 and of
 * {@code @socket.io/redis-streams-adapter} 0.3.1 (commands seen on a real Redis between two Node socket.io 4.8.4
 * nodes): Duplex decodes every one, re-encodes each decoded message to the same bytes, and produces the deterministic
 * ones byte for byte from plain Java values.
 */
class ClusterVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    static final String SHARDED_UID = "59880b3cb545589e";

    static List<JsonNode> vectors(String mode) throws IOException {
        try (InputStream in = ClusterVectorsTest.class.getResourceAsStream("/cluster-vectors.json")) {
            List<JsonNode> list = new ArrayList<>();
            JSON.readTree(in).forEach(v -> {
                if (v.path("mode").asText().equals(mode)) {
                    list.add(v);
                }
            });
            return list;
        }
    }

    private static byte[] bytes(JsonNode v) {
        return v.path("format").asText().equals("msgpack") ? HEX.parseHex(v.path("hex").asText())
                : v.path("text").asText().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode sharded(String step, int nth) throws IOException {
        int seen = 0;
        for (JsonNode v : vectors("sharded")) {
            if (v.path("step").asText().equals(step) && v.path("command").asText().equals("SPUBLISH") && seen++ == nth) {
                return v;
            }
        }
        throw new AssertionError("no sharded vector " + step);
    }

    private static void assertSame(byte[] produced, JsonNode v) {
        if (v.path("format").asText().equals("msgpack")) {
            assertThat(HEX.formatHex(produced)).as(v.path("step").asText()).isEqualTo(v.path("hex").asText());
        } else {
            assertThat(new String(produced, StandardCharsets.UTF_8)).as(v.path("step").asText())
                    .isEqualTo(v.path("text").asText());
        }
    }

    private static BroadcastOptions opts(Set<String> rooms, Set<String> except, BroadcastFlags flags) {
        return new BroadcastOptions(rooms, except, flags);
    }

    // ------------------------------------------------------------------ sharded

    @Test
    void everyShardedVectorDecodesAndReencodesToTheSameBytes() throws IOException {
        int n = 0;
        for (JsonNode v : vectors("sharded")) {
            if (!v.path("command").asText().equals("SPUBLISH")) {
                continue;
            }
            JsonNode parsed = ClusterCodec.parse(bytes(v));
            String nsp = v.path("decoded").path("nsp").asText();
            ClusterMessage m = ClusterCodec.decode(parsed, nsp);
            assertThat(m).as(v.toString()).isNotNull();
            assertThat(m.type().code()).isEqualTo(v.path("decoded").path("type").asInt());
            assertThat(m.uid()).isEqualTo(v.path("decoded").path("uid").asText());
            assertThat(ClusterCodec.decode(parsed, "/other")).isNull();
            byte[] again = ClusterCodec.encodeSharded(m, nsp);
            assertSame(again, v);
            if (m.type() == ClusterMessage.Type.BROADCAST && m.requestId() == null) {
                // the channel Node chose is the one Duplex chooses (dynamic mode, Node's default)
                assertThat(ShardedRedisAdapter.channelOf("socket.io#" + nsp + "#", SubscriptionMode.DYNAMIC, m))
                        .isEqualTo(v.path("channel").asText());
            }
            n++;
        }
        assertThat(n).isEqualTo(21);
    }

    @Test
    void shardedVectorsDecodeToTheRightValues() throws IOException {
        ClusterMessage emit = ClusterCodec.decode(ClusterCodec.parse(bytes(sharded("io.emit", 0))), "/");
        assertThat(JSON.valueToTree(emit.args()).toString()).isEqualTo("[\"hello\",\"world\",1,2.5,{\"a\":true},null]");
        assertThat(emit.opts().rooms()).isEmpty();
        ClusterMessage bin = ClusterCodec.decode(ClusterCodec.parse(bytes(sharded("io.emit(binary)", 0))), "/");
        assertThat(((JsonNode) bin.args().get(1)).binaryValue()).containsExactly(1, 2, 3);
        ClusterMessage vol = ClusterCodec.decode(ClusterCodec.parse(bytes(sharded("io.volatile.compress(false).emit",
                0))), "/");
        assertThat(vol.opts().flags().volatileFlag()).isTrue();
        assertThat(vol.opts().flags().compress()).isFalse();
        ClusterMessage fetch = ClusterCodec.decode(ClusterCodec.parse(bytes(sharded("io.fetchSockets", 1))), "/");
        assertThat(fetch.type()).isEqualTo(ClusterMessage.Type.FETCH_SOCKETS_RESPONSE);
        assertThat(fetch.sockets()).hasSize(1);
        assertThat(fetch.sockets().get(0).id()).isEqualTo("LfGmBQWatcQ0zmpCAAAA");
        assertThat(fetch.sockets().get(0).rooms()).containsExactly("LfGmBQWatcQ0zmpCAAAA", "room1");
        assertThat(fetch.sockets().get(0).handshakeJson().path("issued").isNumber()).isTrue();
        ClusterMessage ack = ClusterCodec.decode(ClusterCodec.parse(bytes(sharded("io.timeout(2000).emitWithAck", 0))),
                "/");
        assertThat(ack.requestId()).isEqualTo("ce6a047dc1793f45");
        assertThat(ack.opts().flags().timeout()).isEqualTo(Duration.ofSeconds(2));
        ClusterMessage count = ClusterCodec.decode(ClusterCodec.parse(bytes(sharded("io.timeout(2000).emitWithAck",
                1))), "/");
        assertThat(count.clientCount()).isEqualTo(1);
        ClusterMessage disconnect = ClusterCodec.decode(ClusterCodec.parse(bytes(sharded("disconnectSockets(C2)", 0))),
                "/");
        assertThat(disconnect.close()).isTrue();
        assertThat(disconnect.opts().rooms()).containsExactly("LfGmBQWatcQ0zmpCAAAA");
    }

    @Test
    void duplexProducesTheDeterministicShardedVectorsFromJavaValues() throws IOException {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("a", true);
        List<Object> hello = new ArrayList<>(List.of("hello", "world", 1, 2.5));
        hello.add(a);
        hello.add(null);
        BroadcastFlags none = BroadcastFlags.DEFAULT;
        Map<JsonNode, ClusterMessage> cases = new LinkedHashMap<>();
        cases.put(sharded("io.emit", 0), ClusterMessage.broadcast(SHARDED_UID, hello, BroadcastOptions.all(), null));
        cases.put(sharded("io.to(room1).emit", 0), ClusterMessage.broadcast(SHARDED_UID, List.of("room-event", "x"),
                opts(Set.of("room1"), Set.of(), none), null));
        cases.put(sharded("io.to([room1,room2]).except(room3).emit", 0), ClusterMessage.broadcast(SHARDED_UID,
                List.of("multi", 1), opts(new LinkedHashSet<>(List.of("room1", "room2")), Set.of("room3"), none), null));
        cases.put(sharded("io.volatile.compress(false).emit", 0), ClusterMessage.broadcast(SHARDED_UID,
                List.of("vol", 1), opts(Set.of(), Set.of(), new BroadcastFlags(true, false, false, false, null)), null));
        cases.put(sharded("io.emit(binary)", 0), ClusterMessage.broadcast(SHARDED_UID,
                List.of("bin", new byte[] {1, 2, 3}), BroadcastOptions.all(), null));
        cases.put(sharded("io.serverSideEmit", 0), ClusterMessage.serverSideEmit(SHARDED_UID, null,
                List.of("sse", "hi", 42)));
        cases.put(sharded("io.serverSideEmitWithAck", 0), ClusterMessage.serverSideEmit(SHARDED_UID,
                "2aed27657aab819a", List.of("sse-ack", "ping")));
        cases.put(sharded("io.serverSideEmitWithAck", 1), ClusterMessage.serverSideEmitResponse("f7b0f1c68d675564",
                "2aed27657aab819a", TextNode.valueOf("pong-from-S2")));
        cases.put(sharded("io.socketsJoin(room9)", 0), ClusterMessage.socketsJoinLeave(SHARDED_UID, true,
                BroadcastOptions.all(), Set.of("room9")));
        cases.put(sharded("io.in(room9).socketsLeave(room9)", 0), ClusterMessage.socketsJoinLeave(SHARDED_UID, false,
                opts(Set.of("room9"), Set.of(), none), Set.of("room9")));
        cases.put(sharded("io.fetchSockets", 0), ClusterMessage.fetchSockets(SHARDED_UID, "9be05319ee1372c9",
                BroadcastOptions.all()));
        cases.put(sharded("io.timeout(2000).emitWithAck", 0), ClusterMessage.broadcast(SHARDED_UID,
                List.of("ack-event", "q"), opts(Set.of(), Set.of(), new BroadcastFlags(false, true, false, false,
                        Duration.ofMillis(2000))), "ce6a047dc1793f45"));
        cases.put(sharded("io.timeout(2000).emitWithAck", 1), ClusterMessage.clientCount("f7b0f1c68d675564",
                "ce6a047dc1793f45", 1));
        cases.put(sharded("io.timeout(2000).emitWithAck", 2), ClusterMessage.broadcastAck("f7b0f1c68d675564",
                "ce6a047dc1793f45", TextNode.valueOf("ack-from-C2")));
        cases.put(sharded("disconnectSockets(C2)", 0), ClusterMessage.disconnectSockets(SHARDED_UID,
                opts(Set.of("LfGmBQWatcQ0zmpCAAAA"), Set.of(), none), true));
        for (Map.Entry<JsonNode, ClusterMessage> c : cases.entrySet()) {
            assertSame(ClusterCodec.encodeSharded(c.getValue(), "/"), c.getKey());
            String expectedChannel = c.getKey().path("channel").asText();
            if (c.getValue().type().isResponse()) {
                assertThat(expectedChannel).isEqualTo("socket.io#/#" + SHARDED_UID + "#");
            } else {
                assertThat(ShardedRedisAdapter.channelOf("socket.io#/#", SubscriptionMode.DYNAMIC, c.getValue()))
                        .isEqualTo(expectedChannel);
            }
        }
    }

    @Test
    void shardedChannelChoiceFollowsTheSubscriptionMode() {
        ClusterMessage toSocket = ClusterMessage.broadcast("u", List.of("e"),
                opts(Set.of("LfGmBQWatcQ0zmpCAAAA"), Set.of(), BroadcastFlags.DEFAULT), null);
        ClusterMessage toRoom = ClusterMessage.broadcast("u", List.of("e"),
                opts(Set.of("r"), Set.of(), BroadcastFlags.DEFAULT), null);
        assertThat(ShardedRedisAdapter.channelOf("p#/#", SubscriptionMode.DYNAMIC, toSocket)).isEqualTo("p#/#");
        assertThat(ShardedRedisAdapter.channelOf("p#/#", SubscriptionMode.DYNAMIC_PRIVATE, toSocket))
                .isEqualTo("p#/#LfGmBQWatcQ0zmpCAAAA#");
        assertThat(ShardedRedisAdapter.channelOf("p#/#", SubscriptionMode.STATIC, toRoom)).isEqualTo("p#/#");
        assertThat(ShardedRedisAdapter.channelOf("p#/#", SubscriptionMode.DYNAMIC, toRoom)).isEqualTo("p#/#r#");
    }

    @Test
    void malformedShardedMessagesAreRejectedQuietly() {
        for (String bad : List.of("{", "{\"type\":3,\"nsp\":\"/\",\"data\":{}}", "{\"type\":99,\"nsp\":\"/\"}",
                "{\"type\":7,\"nsp\":\"/\",\"data\":{}}")) {
            try {
                assertThat(ClusterCodec.decode(ClusterCodec.parse(bad.getBytes(StandardCharsets.UTF_8)), "/")).isNull();
            } catch (IllegalArgumentException expected) {
                // unparseable: the adapter logs and drops it
            }
        }
    }
}
