package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The in-memory adapter's connection state recovery: offsets, sessions, bounds and the window. */
class SessionStoreTest {
    private final Map<String, Socket> sockets = new ConcurrentHashMap<>();

    private record Prepared(SocketPacket packet, long size) implements PreparedPacket {
    }

    private final class Socket implements LocalSocket {
        final String id;
        final List<PreparedPacket> written = new ArrayList<>();

        Socket(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<String> rooms() {
            return Set.of();
        }

        @Override
        public Map<String, Object> data() {
            return Map.of();
        }

        @Override
        public Object handshake() {
            return null;
        }

        @Override
        public synchronized void write(PreparedPacket packet, BroadcastFlags flags) {
            written.add(packet);
        }

        @Override
        public void expectAck(int ackId, Consumer<List<JsonNode>> ack) {
        }

        @Override
        public void join(Set<String> rooms) {
        }

        @Override
        public void leave(String room) {
        }

        @Override
        public void disconnect(boolean close) {
        }
    }

    private InMemoryAdapter adapter(Duration window, RecoveryLimits limits) {
        return new InMemoryAdapter(new AdapterHost() {
            @Override
            public String namespace() {
                return "/";
            }

            @Override
            public LocalSocket socket(String id) {
                return sockets.get(id);
            }

            @Override
            public PreparedPacket prepare(SocketPacket packet) {
                return new Prepared(packet, 100);
            }

            @Override
            public int nextAckId() {
                return 1;
            }

            @Override
            public void onServerSideEmit(List<JsonNode> args) {
            }

            @Override
            public Duration maxDisconnectionDuration() {
                return window;
            }
        }, limits);
    }

    private static SocketPacket event(Object... args) {
        return SocketPacket.event("/", List.of(args), null);
    }

    private static BroadcastOptions to(Set<String> rooms, Set<String> except) {
        return new BroadcastOptions(rooms, except, BroadcastFlags.DEFAULT);
    }

    private Socket connect(InMemoryAdapter adapter, String id, String... rooms) {
        Socket s = new Socket(id);
        sockets.put(id, s);
        adapter.addAll(id, Set.of(id));
        adapter.addAll(id, Set.of(rooms));
        return s;
    }

    private static String lastOffset(Socket s) {
        List<?> data = (List<?>) s.written.get(s.written.size() - 1).packet().data();
        return (String) data.get(data.size() - 1);
    }

    private void disconnect(InMemoryAdapter adapter, Socket s, String pid, Map<String, Object> data) {
        adapter.persistSession(new Session(s.id, pid, adapter.socketRooms(s.id), data));
        adapter.delAll(s.id);
        sockets.remove(s.id);
    }

    private static List<Object> firstArgs(RestoredSession session) {
        List<Object> list = new ArrayList<>();
        for (PreparedPacket p : session.missedPackets()) {
            list.add(((List<?>) p.packet().data()).get(1));
        }
        return list;
    }

    @Test
    void broadcastsWithoutAckAndNotVolatileGetAnOffsetAndTheMissedOnesComeBackFilteredByRoomsInOrder() {
        InMemoryAdapter adapter = adapter(Duration.ofMinutes(2), RecoveryLimits.DEFAULT);
        Socket a = connect(adapter, "a", "r1", "r2");
        connect(adapter, "b", "r3");
        adapter.broadcast(event("m", 0), BroadcastOptions.all());
        assertThat((List<?>) a.written.get(0).packet().data()).hasSize(3);
        String offset = lastOffset(a);
        disconnect(adapter, a, "pa", Map.of("user", "ann"));
        assertThat(adapter.keptSessions()).isEqualTo(1);

        adapter.broadcast(event("m", 1), to(Set.of("a"), Set.of()));
        adapter.broadcast(event("m", 2), to(Set.of("r1", "r2"), Set.of()));
        adapter.broadcast(event("m", 3), to(Set.of("r3"), Set.of()));
        adapter.broadcast(event("m", 4), to(Set.of(), Set.of("r2")));
        adapter.broadcast(event("m", 5), to(Set.of("r1"), Set.of("b")));
        adapter.broadcast(event("m", 6), new BroadcastOptions(Set.of(), Set.of(),
                new BroadcastFlags(true, true, false, false, null)));
        adapter.broadcast(SocketPacket.of(SocketPacketType.EVENT, "/", 9, List.of("m", 7)), BroadcastOptions.all());
        adapter.broadcast(event("m", 8), BroadcastOptions.all());
        assertThat(adapter.keptPackets()).isEqualTo(7);

        RestoredSession session = adapter.restoreSession("pa", offset).join();
        assertThat(session.sid()).isEqualTo("a");
        assertThat(session.rooms()).containsExactlyInAnyOrder("a", "r1", "r2");
        assertThat(session.data()).containsEntry("user", "ann");
        assertThat(firstArgs(session)).containsExactly(1, 2, 5, 8);
        // restored once
        assertThat(adapter.restoreSession("pa", offset).join()).isNull();
        assertThat(adapter.keptSessions()).isZero();
    }

    @Test
    void aSessionWhoseIdIsStillConnectedIsNotRestored() {
        InMemoryAdapter adapter = adapter(Duration.ofMinutes(2), RecoveryLimits.DEFAULT);
        Socket a = connect(adapter, "a");
        adapter.broadcast(event("m", 0), BroadcastOptions.all());
        adapter.persistSession(new Session("a", "pa", Set.of("a"), Map.of()));
        assertThat(adapter.restoreSession("pa", lastOffset(a)).join()).isNull();
    }

    @Test
    void withoutRecoveryNothingIsNumberedOrKept() {
        InMemoryAdapter adapter = adapter(null, RecoveryLimits.DEFAULT);
        Socket a = connect(adapter, "a");
        adapter.broadcast(event("m", 0), BroadcastOptions.all());
        assertThat(a.written.get(0).packet().data()).isEqualTo(List.of("m", 0));
        disconnect(adapter, a, "pa", Map.of());
        assertThat(adapter.keptSessions()).isZero();
        assertThat(adapter.restoreSession("pa", "0").join()).isNull();
    }

    @Test
    void pastThePacketBoundTheOldestPacketsGoAndAnOffsetBeforeThemIsNotRecovered() {
        InMemoryAdapter adapter = adapter(Duration.ofMinutes(2), new RecoveryLimits(10, 3, 1 << 20));
        Socket a = connect(adapter, "a");
        Socket b = connect(adapter, "b");
        adapter.broadcast(event("m", 0), BroadcastOptions.all());
        String offsetA = lastOffset(a);
        disconnect(adapter, a, "pa", Map.of());
        adapter.broadcast(event("m", 1), BroadcastOptions.all());
        String offsetB = lastOffset(b);
        disconnect(adapter, b, "pb", Map.of());
        for (int i = 2; i <= 4; i++) {
            adapter.broadcast(event("m", i), BroadcastOptions.all());
        }
        assertThat(adapter.keptPackets()).isEqualTo(3);
        // a missed 1..4 but 1 is gone: no recovery; b missed 2..4, all kept
        assertThat(adapter.restoreSession("pa", offsetA).join()).isNull();
        assertThat(firstArgs(adapter.restoreSession("pb", offsetB).join())).containsExactly(2, 3, 4);
    }

    @Test
    void pastTheByteBoundTheOldestPacketsGo() {
        InMemoryAdapter adapter = adapter(Duration.ofMinutes(2), new RecoveryLimits(10, 1000, 250));
        connect(adapter, "a");
        for (int i = 0; i < 10; i++) {
            adapter.broadcast(event("m", i), BroadcastOptions.all()); // 100 bytes each
        }
        assertThat(adapter.keptPackets()).isEqualTo(2);
    }

    @Test
    void pastTheSessionBoundTheLongestDisconnectedSessionGoes() {
        InMemoryAdapter adapter = adapter(Duration.ofMinutes(2), new RecoveryLimits(2, 100, 1 << 20));
        List<String> offsets = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            Socket s = connect(adapter, id);
            adapter.broadcast(event("m", id), to(Set.of(id), Set.of()));
            offsets.add(lastOffset(s));
            disconnect(adapter, s, "p" + id, Map.of());
        }
        assertThat(adapter.keptSessions()).isEqualTo(2);
        assertThat(adapter.restoreSession("pa", offsets.get(0)).join()).isNull();
        assertThat(adapter.restoreSession("pb", offsets.get(1)).join()).isNotNull();
        assertThat(adapter.restoreSession("pc", offsets.get(2)).join()).isNotNull();
    }

    @Test
    void afterTheWindowNothingIsRestoredAndEverythingIsReleased() {
        InMemoryAdapter adapter = adapter(Duration.ofMillis(300), RecoveryLimits.DEFAULT);
        Socket a = connect(adapter, "a");
        Socket b = connect(adapter, "b");
        adapter.broadcast(event("m", 0), BroadcastOptions.all());
        disconnect(adapter, a, "pa", Map.of());
        disconnect(adapter, b, "pb", Map.of());
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - start > 350_000_000L);
        assertThat(adapter.restoreSession("pa", lastOffset(a)).join()).isNull();
        // the other one is dropped by the sweep, without any call
        await().atMost(Duration.ofSeconds(5)).until(() -> adapter.keptSessions() == 0 && adapter.keptPackets() == 0);
    }

    /**
     * 10,000 sockets (each in 3 rooms, with 2 data entries) disconnect at once while 1,000 broadcasts are kept: all
     * kept, then released after the window, the heap back to its level.
     */
    @Test
    void tenThousandSessionsAreKeptThenReleasedAfterTheWindow() {
        int count = 10_000;
        Duration window = Duration.ofSeconds(2);
        InMemoryAdapter adapter = adapter(window, RecoveryLimits.DEFAULT);
        long baseline = usedHeapAfterGc();
        List<Socket> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(connect(adapter, "socket-id-" + i + "-xxxxxxxx", "room-" + (i % 100), "lobby"));
        }
        for (int i = 0; i < 1000; i++) {
            adapter.broadcast(event("chat", "message number " + i), to(Set.of("room-" + (i % 100)), Set.of()));
        }
        for (Socket s : all) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("user", "user-" + s.id);
            data.put("joinedAt", System.currentTimeMillis());
            disconnect(adapter, s, "pid-" + s.id, data);
        }
        all.clear();
        assertThat(adapter.keptSessions()).isEqualTo(count);
        long kept = usedHeapAfterGc() - baseline;
        await().atMost(window.multipliedBy(5)).until(() -> adapter.keptSessions() == 0 && adapter.keptPackets() == 0);
        long after = usedHeapAfterGc() - baseline;
        System.out.printf("recovery memory: %d sessions + 1000 packets kept: %.1f MB over baseline; after the "
                + "window: %.2f MB%n", count, kept / 1e6, after / 1e6);
        assertThat(kept).isGreaterThan(1_000_000L);
        assertThat(after).isLessThan(kept / 10);
    }

    private static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
