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

    // ------------------------------------------------------------------ streams 0.3.1

    static final String STREAMS_UID = "350d2929631af1b7";

    private static JsonNode streams(String step, String command, int nth) throws IOException {
        int seen = 0;
        for (JsonNode v : vectors("streams")) {
            if (v.path("step").asText().equals(step) && v.path("command").asText().equals(command) && seen++ == nth) {
                return v;
            }
        }
        throw new AssertionError("no streams vector " + step + " " + command);
    }

    private static Map<String, String> fields(JsonNode v) {
        Map<String, String> f = new LinkedHashMap<>();
        JsonNode args = v.get("args");
        for (int i = 5; i + 1 < args.size(); i += 2) {
            f.put(args.get(i).asText(), args.get(i + 1).asText());
        }
        return f;
    }

    @Test
    void everyStreamsVectorDecodesAndReencodesToTheSameBytes() throws IOException {
        RedisStreamsAdapterOptions defaults = RedisStreamsAdapterOptions.defaults();
        int entries = 0;
        int published = 0;
        for (JsonNode v : vectors("streams")) {
            String command = v.path("command").asText();
            if (command.equals("XADD")) {
                JsonNode args = v.get("args");
                Map<String, String> f = fields(v);
                assertThat(List.of(args.get(0).asText(), args.get(1).asText(), args.get(2).asText(),
                        args.get(3).asText(), args.get(4).asText())).isEqualTo(List.of(defaults.streamOf(f.get("nsp")),
                        "MAXLEN", "~", Long.toString(defaults.maxLen()), "*"));
                ClusterMessage m = ClusterCodec.decodeEntry(f);
                assertThat(m).as(v.toString()).isNotNull();
                assertThat(m.type().code()).isEqualTo(Integer.parseInt(f.get("type")));
                assertThat(RedisStreamsAdapter.ephemeral(m)).isFalse();
                assertThat(ClusterCodec.entry(m, f.get("nsp"), false)).containsExactlyEntriesOf(f);
                entries++;
            } else if (command.equals("PUBLISH")) {
                ClusterMessage m = ClusterCodec.decode(ClassicCodec.MSGPACK.readTree(bytes(v)), "/");
                assertThat(m).as(v.toString()).isNotNull();
                assertThat(RedisStreamsAdapter.ephemeral(m)).isTrue();
                assertThat(HEX.formatHex(ClusterCodec.encodeMsgpack(m, "/"))).isEqualTo(v.path("hex").asText());
                String requester = m.type().isResponse() ? v.path("channel").asText() : "socket.io#/#";
                assertThat(v.path("channel").asText()).isEqualTo(requester);
                published++;
            }
        }
        assertThat(entries).isEqualTo(13);
        assertThat(published).isEqualTo(10);
    }

    @Test
    void duplexProducesTheDeterministicStreamsVectorsFromJavaValues() throws IOException {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("a", true);
        List<Object> hello = new ArrayList<>(List.of("hello", "world", 1, 2.5));
        hello.add(a);
        hello.add(null);
        Map<JsonNode, ClusterMessage> xadd = new LinkedHashMap<>();
        xadd.put(streams("io.emit", "XADD", 0), ClusterMessage.broadcast(STREAMS_UID, hello, BroadcastOptions.all(),
                null));
        xadd.put(streams("io.emit(binary)", "XADD", 0), ClusterMessage.broadcast(STREAMS_UID,
                List.of("bin", new byte[] {1, 2, 3}), BroadcastOptions.all(), null));
        xadd.put(streams("io.volatile.compress(false).emit", "XADD", 0), ClusterMessage.broadcast(STREAMS_UID,
                List.of("vol", 1), opts(Set.of(), Set.of(), new BroadcastFlags(true, false, false, false, null)), null));
        xadd.put(streams("io.socketsJoin(room9)", "XADD", 0), ClusterMessage.socketsJoinLeave(STREAMS_UID, true,
                BroadcastOptions.all(), Set.of("room9")));
        for (Map.Entry<JsonNode, ClusterMessage> c : xadd.entrySet()) {
            assertThat(ClusterCodec.entry(c.getValue(), "/", false)).containsExactlyEntriesOf(fields(c.getKey()));
        }
        assertThat(HEX.formatHex(java.util.Base64.getDecoder().decode(ClusterCodec.entry(
                xadd.values().toArray(ClusterMessage[]::new)[1], "/", false).get("data"))))
                .isEqualTo(streams("io.emit(binary)", "XADD", 0).path("dataMsgpackHex").asText());

        Map<JsonNode, ClusterMessage> pub = new LinkedHashMap<>();
        pub.put(streams("io.serverSideEmit", "PUBLISH", 0), ClusterMessage.serverSideEmit(STREAMS_UID, null,
                List.of("sse", "hi", 42)));
        pub.put(streams("io.serverSideEmitWithAck", "PUBLISH", 0), ClusterMessage.serverSideEmit(STREAMS_UID,
                "a92ab75c1514ddc9", List.of("sse-ack", "ping")));
        pub.put(streams("io.serverSideEmitWithAck", "PUBLISH", 1), ClusterMessage.serverSideEmitResponse(
                "c5c77825c2b37c00", "a92ab75c1514ddc9", TextNode.valueOf("pong-from-S2")));
        pub.put(streams("io.fetchSockets", "PUBLISH", 0), ClusterMessage.fetchSockets(STREAMS_UID, "b8e85b7b02fb2336",
                BroadcastOptions.all()));
        pub.put(streams("io.timeout(2000).emitWithAck", "PUBLISH", 0), ClusterMessage.broadcast(STREAMS_UID,
                List.of("ack-event", "q"), opts(Set.of(), Set.of(), new BroadcastFlags(false, true, false, false,
                        Duration.ofMillis(2000))), "cdf162b187d8088c"));
        pub.put(streams("io.timeout(2000).emitWithAck", "PUBLISH", 1), ClusterMessage.clientCount("c5c77825c2b37c00",
                "cdf162b187d8088c", 1));
        pub.put(streams("io.timeout(2000).emitWithAck", "PUBLISH", 2), ClusterMessage.broadcastAck("c5c77825c2b37c00",
                "cdf162b187d8088c", TextNode.valueOf("ack-from-C2")));
        for (Map.Entry<JsonNode, ClusterMessage> c : pub.entrySet()) {
            assertThat(HEX.formatHex(ClusterCodec.encodeMsgpack(c.getValue(), "/"))).as(c.getKey().toString())
                    .isEqualTo(c.getKey().path("hex").asText());
        }
    }

    @Test
    void streamsSessionsAreKeptAsNodeKeepsThem() throws IOException {
        JsonNode set = streams("csr-disconnect", "SET", 0);
        dev.duplex.adapter.Session session = new dev.duplex.adapter.Session("kloGVDjfcsl25SLYAAAA",
                "WX5tNn9BCY7P7VD_AAAB", new LinkedHashSet<>(List.of("kloGVDjfcsl25SLYAAAA", "roomA")), Map.of());
        assertThat(set.get("args").get(0).asText()).isEqualTo(RedisStreamsAdapterOptions.defaults().sessionKeyPrefix()
                + session.pid());
        String encoded = ClusterCodec.encodeSession(session.sid(), session.pid(),
                List.of("kloGVDjfcsl25SLYAAAA", "roomA"), Map.of());
        assertThat(encoded).isEqualTo(set.get("args").get(1).asText());
        assertThat(ClusterCodec.decodeSession(set.get("args").get(1).asText())).isEqualTo(session);
        assertThat(ClusterCodec.decodeSession(ClusterCodec.encodeSession(session))).isEqualTo(session);
        assertThat(set.get("args").get(2).asText()).isEqualTo("PX");
        assertThat(ClusterCodec.decodeSession("not base64 !")).isNull();
        assertThat(ClusterCodec.decodeSession("gA==")).isNull();
    }

    @Test
    void streamsRecoveryHelpersMatchNode() {
        assertThat(RedisStreamsAdapter.next("1795663958166-0")).isEqualTo("1795663958166-1");
        BroadcastOptions toA = opts(Set.of("roomA"), Set.of(), BroadcastFlags.DEFAULT);
        assertThat(RedisStreamsAdapter.matches(BroadcastOptions.all(), Set.of("x"))).isTrue();
        assertThat(RedisStreamsAdapter.matches(toA, Set.of("x", "roomA"))).isTrue();
        assertThat(RedisStreamsAdapter.matches(toA, Set.of("x"))).isFalse();
        assertThat(RedisStreamsAdapter.matches(opts(Set.of(), Set.of("x"), BroadcastFlags.DEFAULT), Set.of("x")))
                .isFalse();
    }

    @Test
    void streamOfNamespaceIsNodesHashCodeRemainder() {
        RedisStreamsAdapterOptions three = RedisStreamsAdapterOptions.builder().streamCount(3).build();
        // the values Node's hashCode() % 3 gives (checked with @socket.io/redis-streams-adapter 0.3.1's util.js)
        assertThat(three.streamOf("/")).isEqualTo("socket.io-2");
        assertThat(three.streamOf("/chat")).isEqualTo("socket.io-1");
        assertThat(three.streamOf("/abcdefgh")).isEqualTo("socket.io--2");
        assertThat(three.streamOf("/zzzzzzzz")).isEqualTo("socket.io--1");
        assertThat(RedisStreamsAdapterOptions.defaults().streamOf("/chat")).isEqualTo("socket.io");
    }
}
