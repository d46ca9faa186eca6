package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.duplex.protocol.socketio.SocketPacket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryAdapterTest {
    private final Map<String, FakeSocket> sockets = new LinkedHashMap<>();
    private final AtomicInteger prepared = new AtomicInteger();
    private final AtomicInteger ackIds = new AtomicInteger(7);
    private final List<List<JsonNode>> serverSide = new CopyOnWriteArrayList<>();
    private InMemoryAdapter adapter;

    private record Prepared(SocketPacket packet) implements PreparedPacket {
    }

    private final class FakeSocket implements LocalSocket {
        final String id;
        final List<PreparedPacket> written = new ArrayList<>();
        final List<BroadcastFlags> flags = new ArrayList<>();
        final Map<Integer, Consumer<List<JsonNode>>> acks = new LinkedHashMap<>();
        Boolean disconnected;

        FakeSocket(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<String> rooms() {
            return adapter.socketRooms(id);
        }

        @Override
        public Map<String, Object> data() {
            return Map.of("id", id);
        }

        @Override
        public Object handshake() {
            return null;
        }

        @Override
        public void write(PreparedPacket packet, BroadcastFlags f) {
            written.add(packet);
            flags.add(f);
        }

        @Override
        public void expectAck(int ackId, Consumer<List<JsonNode>> ack) {
            acks.put(ackId, ack);
        }

        @Override
        public void join(Set<String> rooms) {
            adapter.addAll(id, rooms);
        }

        @Override
        public void leave(String room) {
            adapter.del(id, room);
        }

        @Override
        public void disconnect(boolean close) {
            disconnected = close;
            adapter.delAll(id);
        }
    }

    @BeforeEach
    void setUp() {
        adapter = new InMemoryAdapter(new AdapterHost() {
            @Override
            public String namespace() {
                return "/chat";
            }

            @Override
            public LocalSocket socket(String id) {
                return sockets.get(id);
            }

            @Override
            public PreparedPacket prepare(SocketPacket packet) {
                prepared.incrementAndGet();
                return new Prepared(packet);
            }

            @Override
            public int nextAckId() {
                return ackIds.getAndIncrement();
            }

            @Override
            public void onServerSideEmit(List<JsonNode> args) {
                serverSide.add(args);
            }
        });
        for (String id : List.of("a", "b", "c", "d")) {
            sockets.put(id, new FakeSocket(id));
            adapter.addAll(id, Set.of(id));
        }
        adapter.addAll("a", Set.of("r1", "r2"));
        adapter.addAll("b", Set.of("r1"));
        adapter.addAll("c", Set.of("r2"));
    }

    private Set<String> recipients() {
        Set<String> ids = new HashSet<>();
        sockets.values().forEach(s -> {
            if (!s.written.isEmpty()) {
                ids.add(s.id);
            }
        });
        sockets.values().forEach(s -> s.written.clear());
        return ids;
    }

    private static SocketPacket event() {
        return SocketPacket.event("/chat", List.of("news", 1), null);
    }

    @Test
    void keepsRoomsAndSocketRooms() {
        assertThat(adapter.socketRooms("a")).containsExactlyInAnyOrder("a", "r1", "r2");
        assertThat(adapter.rooms()).containsEntry("r1", Set.of("a", "b")).containsEntry("r2", Set.of("a", "c"));
        adapter.del("a", "r1");
        assertThat(adapter.rooms().get("r1")).containsExactly("b");
        adapter.del("b", "r1");
        assertThat(adapter.rooms()).doesNotContainKey("r1");
        adapter.delAll("a");
        assertThat(adapter.socketRooms("a")).isEmpty();
        assertThat(adapter.rooms()).doesNotContainKey("a").containsEntry("r2", Set.of("c"));
        adapter.delAll("unknown");
        adapter.del("unknown", "r2");
        assertThat(adapter.rooms().get("r2")).containsExactly("c");
    }

    @Test
    void broadcastsToAllRoomsAndExceptions() {
        adapter.broadcast(event(), BroadcastOptions.all());
        assertThat(recipients()).containsExactlyInAnyOrder("a", "b", "c", "d");
        adapter.broadcast(event(), new BroadcastOptions(Set.of("r1"), Set.of(), null));
        assertThat(recipients()).containsExactlyInAnyOrder("a", "b");
        adapter.broadcast(event(), new BroadcastOptions(Set.of("r1", "r2"), Set.of(), null));
        assertThat(recipients()).containsExactlyInAnyOrder("a", "b", "c");
        adapter.broadcast(event(), new BroadcastOptions(Set.of("r1", "r2"), Set.of("r1"), null));
        assertThat(recipients()).containsExactlyInAnyOrder("c");
        adapter.broadcast(event(), new BroadcastOptions(Set.of(), Set.of("r2", "d"), null));
        assertThat(recipients()).containsExactlyInAnyOrder("b");
        adapter.broadcast(event(), new BroadcastOptions(Set.of("nobody"), Set.of(), null));
        assertThat(recipients()).isEmpty();
    }

    @Test
    void aSocketInSeveralTargetRoomsGetsThePacketOnce() {
        adapter.broadcast(event(), new BroadcastOptions(Set.of("r1", "r2", "a"), Set.of(), null));
        assertThat(sockets.get("a").written).hasSize(1);
    }

    @Test
    void encodesOnceAndWritesTheSamePreparedPacketToEveryRecipient() {
        BroadcastFlags flags = new BroadcastFlags(true, false, true, true, null);
        adapter.broadcast(event(), new BroadcastOptions(Set.of(), Set.of(), flags));
        assertThat(prepared).hasValue(1);
        PreparedPacket first = sockets.get("a").written.get(0);
        assertThat(sockets.values()).allSatisfy(s -> {
            assertThat(s.written).containsExactly(first);
            assertThat(s.flags).containsExactly(flags);
        });
    }

    @Test
    void broadcastWithAckRegistersOneAckIdAndCountsClients() {
        List<Integer> counts = new ArrayList<>();
        List<JsonNode> responses = new ArrayList<>();
        adapter.broadcastWithAck(event(), new BroadcastOptions(Set.of("r2"), Set.of(), null), counts::add,
                responses::add);
        assertThat(counts).containsExactly(2);
        SocketPacket sent = sockets.get("a").written.get(0).packet();
        assertThat(sent.id()).isEqualTo(7);
        assertThat(sockets.get("a").acks).containsOnlyKeys(7);
        assertThat(sockets.get("c").acks).containsOnlyKeys(7);
        assertThat(sockets.get("b").acks).isEmpty();
        sockets.get("a").acks.get(7).accept(List.of(TextNode.valueOf("yes"), IntNode.valueOf(2)));
        sockets.get("c").acks.get(7).accept(List.of());
        assertThat(responses).hasSize(2);
        assertThat(responses.get(0).asText()).isEqualTo("yes");
        assertThat(responses.get(1).isNull()).isTrue();
    }

    @Test
    void socketsFetchAndRemoteOperations() throws Exception {
        assertThat(adapter.sockets(Set.of("r1")).get()).containsExactlyInAnyOrder("a", "b");
        assertThat(adapter.sockets(Set.of()).get()).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(adapter.fetchSockets(new BroadcastOptions(Set.of("r2"), Set.of("c"), null)).get())
                .extracting(SocketDetails::id).containsExactly("a");
        adapter.addSockets(new BroadcastOptions(Set.of("r1"), Set.of(), null), Set.of("vip"));
        assertThat(adapter.rooms().get("vip")).containsExactlyInAnyOrder("a", "b");
        adapter.delSockets(new BroadcastOptions(Set.of("vip"), Set.of("b"), null), Set.of("vip", "r1"));
        assertThat(adapter.rooms().get("vip")).containsExactly("b");
        assertThat(adapter.rooms().get("r1")).containsExactly("b");
        adapter.disconnectSockets(new BroadcastOptions(Set.of("r2"), Set.of(), null), true);
        assertThat(sockets.get("a").disconnected).isTrue();
        assertThat(sockets.get("c").disconnected).isTrue();
        assertThat(sockets.get("b").disconnected).isNull();
        assertThat(adapter.serverCount().get()).isEqualTo(1);
        adapter.serverSideEmit(List.of("hello"));
        assertThat(serverSide).isEmpty();
    }

    @Test
    void skipsIdsWithoutALocalSocket() {
        adapter.addAll("ghost", Set.of("r1"));
        adapter.broadcast(event(), new BroadcastOptions(Set.of("r1"), Set.of(), null));
        assertThat(recipients()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void broadcastOptionsAreImmutableCopies() {
        Set<String> rooms = new HashSet<>(Set.of("x"));
        BroadcastOptions opts = new BroadcastOptions(rooms, Set.of(), null);
        rooms.add("y");
        assertThat(opts.rooms()).containsExactly("x");
        assertThat(opts.flags()).isEqualTo(BroadcastFlags.DEFAULT);
        assertThat(new BroadcastFlags(false, true, false, false, Duration.ofSeconds(1)).timeout())
                .isEqualTo(Duration.ofSeconds(1));
    }
}
