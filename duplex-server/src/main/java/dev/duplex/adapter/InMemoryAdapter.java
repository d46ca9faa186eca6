package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The default adapter: rooms kept in memory, broadcasts delivered to the local sockets only (a cluster of one).
 * A broadcast packet is encoded once through {@link AdapterHost#prepare} and the same bytes are written to every
 * recipient. Cluster adapters may extend it and call the {@code super} methods for the local part.
 *
 * <p>When the server has connection state recovery ({@link AdapterHost#maxDisconnectionDuration()} not null), it
 * is socket.io-adapter's {@code SessionAwareAdapter}: every broadcast EVENT without ack and not volatile gets an
 * offset as extra last argument and is kept, with the sessions of disconnected sockets, for the window and within
 * {@link RecoveryLimits} (see there for what happens past them).
 */
public class InMemoryAdapter implements Adapter {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryAdapter.class);

    /** The namespace this adapter serves. */
    protected final AdapterHost host;
    /**
     * Room to member ids, and id to rooms. A set changes only inside {@code compute} of its key; while small (every
     * socket has the room named after its id, most have a few more) it is an immutable set replaced on change, which
     * costs a fraction of a concurrent set; past {@link #SMALL} elements it becomes a concurrent set changed in place.
     */
    private final ConcurrentHashMap<String, Set<String>> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<String>> sids = new ConcurrentHashMap<>();
    private static final int SMALL = 8;
    private final RoomEvents roomEvents = new RoomEvents();
    /** Sessions and packets kept for connection state recovery; null when recovery is off. */
    private final SessionStore store;

    /** Creates the adapter of the namespace behind {@code host}. */
    public InMemoryAdapter(AdapterHost host) {
        this(host, RecoveryLimits.DEFAULT);
    }

    /** Creates the adapter of the namespace behind {@code host}, keeping at most {@code limits} for recovery. */
    public InMemoryAdapter(AdapterHost host, RecoveryLimits limits) {
        this.host = Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        java.time.Duration window = host.maxDisconnectionDuration();
        this.store = window == null ? null : new SessionStore(window, limits);
    }

    @Override
    public void addAll(String id, Set<String> roomsToJoin) {
        if (store != null && store.isRestoring(id)) {
            // a restored session's socket joins its rooms: it gets what was broadcast since the snapshot, and the
            // broadcasts after, with nothing in between (both under the store's lock)
            synchronized (store) {
                join(id, roomsToJoin);
                List<PreparedPacket> catchUp = store.takeCatchUp(id);
                LocalSocket socket = catchUp == null || catchUp.isEmpty() ? null : host.socket(id);
                if (socket != null) {
                    catchUp.forEach(p -> socket.write(p, BroadcastFlags.DEFAULT));
                }
            }
            return;
        }
        join(id, roomsToJoin);
    }

    private void join(String id, Set<String> roomsToJoin) {
        if (roomsToJoin.isEmpty()) {
            sids.computeIfAbsent(id, k -> Set.of());
        }
        for (String room : roomsToJoin) {
            sids.compute(id, (k, mine) -> plus(mine, room));
            boolean[] createdJoined = new boolean[2];
            rooms.compute(room, (k, members) -> {
                int before = members == null ? 0 : members.size();
                Set<String> m = plus(members, id);
                createdJoined[0] = members == null;
                createdJoined[1] = m.size() != before;
                return m;
            });
            if (!roomEvents.isEmpty()) {
                roomEvents.joined(room, id, createdJoined[0], createdJoined[1]);
            }
        }
    }

    @Override
    public void del(String id, String room) {
        // a socket that left all its rooms keeps its (empty) entry, as when its set was changed in place
        sids.computeIfPresent(id, (k, mine) -> {
            Set<String> left = minus(mine, room);
            return left == null ? Set.of() : left;
        });
        removeFromRoom(room, id);
    }

    private void removeFromRoom(String room, String id) {
        boolean[] leftDeleted = new boolean[2];
        rooms.computeIfPresent(room, (k, members) -> {
            int before = members.size();
            Set<String> left = minus(members, id);
            leftDeleted[0] = left == null || left != members || left.size() != before;
            leftDeleted[1] = left == null;
            return left;
        });
        if (!roomEvents.isEmpty()) {
            roomEvents.left(room, id, leftDeleted[0], leftDeleted[1]);
        }
    }

    /** {@code set} (null: none) with {@code element}: the same set when it was there or the set is concurrent. */
    private static Set<String> plus(Set<String> set, String element) {
        if (set == null) {
            return Set.of(element);
        }
        if (set instanceof ConcurrentHashMap.KeySetView<String, ?>) {
            set.add(element);
            return set;
        }
        if (set.contains(element)) {
            return set;
        }
        int size = set.size();
        if (size < SMALL) {
            String[] elements = set.toArray(new String[size + 1]);
            elements[size] = element;
            return Set.of(elements);
        }
        Set<String> big = ConcurrentHashMap.newKeySet(size * 2);
        big.addAll(set);
        big.add(element);
        return big;
    }

    /** {@code set} without {@code element}, null when nothing is left. */
    private static Set<String> minus(Set<String> set, String element) {
        if (set instanceof ConcurrentHashMap.KeySetView<String, ?>) {
            set.remove(element);
            return set.isEmpty() ? null : set;
        }
        if (!set.contains(element)) {
            return set.isEmpty() ? null : set;
        }
        if (set.size() == 1) {
            return null;
        }
        String[] elements = new String[set.size() - 1];
        int i = 0;
        for (String e : set) {
            if (!e.equals(element)) {
                elements[i++] = e;
            }
        }
        return Set.of(elements);
    }

    @Override
    public void addRoomListener(RoomListener listener) {
        roomEvents.add(listener);
    }

    @Override
    public void removeRoomListener(RoomListener listener) {
        roomEvents.remove(listener);
    }

    @Override
    public void delAll(String id) {
        Set<String> mine = sids.remove(id);
        if (mine == null) {
            return;
        }
        for (String room : mine) {
            removeFromRoom(room, id);
        }
    }

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions opts) {
        if (store != null && packet.id() == null && !opts.flags().volatileFlag()
                && (packet.type() == SocketPacketType.EVENT || packet.type() == SocketPacketType.BINARY_EVENT)
                && packet.data() instanceof List<?> args) {
            // numbered, kept and delivered under one lock: every socket gets the packets in offset order
            synchronized (store) {
                List<Object> withOffset = new ArrayList<>(args.size() + 1);
                withOffset.addAll(args);
                withOffset.add(SessionStore.offset(store.nextSeq()));
                PreparedPacket prepared = host.prepare(
                        SocketPacket.of(packet.type(), packet.namespace(), null, withOffset));
                store.append(opts, prepared);
                apply(opts, socket -> socket.write(prepared, opts.flags()));
            }
            return;
        }
        PreparedPacket prepared = host.prepare(packet);
        apply(opts, socket -> socket.write(prepared, opts.flags()));
    }

    @Override
    public void persistSession(Session session) {
        if (store != null) {
            store.persist(session);
        }
    }

    @Override
    public CompletableFuture<RestoredSession> restoreSession(String pid, String offset) {
        if (store == null) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (store) {
            RestoredSession session = store.restore(pid, offset);
            if (session != null && host.socket(session.sid()) != null) {
                // the socket of that id is still connected here: not restored twice
                store.takeCatchUp(session.sid());
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.completedFuture(session);
        }
    }

    /** The number of disconnected sessions kept for recovery (0 when recovery is off). */
    public int keptSessions() {
        return store == null ? 0 : store.sessionCount();
    }

    /** The number of broadcast packets kept for recovery (0 when recovery is off). */
    public int keptPackets() {
        return store == null ? 0 : store.packetCount();
    }

    @Override
    public void broadcastWithAck(SocketPacket packet, BroadcastOptions opts, IntConsumer clientCountCallback,
                                 Consumer<JsonNode> ackCallback) {
        int ackId = host.nextAckId();
        SocketPacket withId = SocketPacket.of(packet.type(), packet.namespace(), ackId, packet.data());
        PreparedPacket prepared = host.prepare(withId);
        int[] count = {0};
        apply(opts, socket -> {
            count[0]++;
            socket.expectAck(ackId, args -> ackCallback.accept(args.isEmpty() ? NullNode.instance : args.get(0)));
            socket.write(prepared, opts.flags());
        });
        clientCountCallback.accept(count[0]);
    }

    @Override
    public CompletableFuture<Set<String>> sockets(Set<String> targetRooms) {
        Set<String> ids = new LinkedHashSet<>();
        apply(new BroadcastOptions(targetRooms, Set.of(), BroadcastFlags.DEFAULT), s -> ids.add(s.id()));
        return CompletableFuture.completedFuture(ids);
    }

    @Override
    public Set<String> socketRooms(String id) {
        Set<String> mine = sids.get(id);
        return mine == null ? Set.of() : Set.copyOf(mine); // the same set when it is an immutable one
    }

    @Override
    public Map<String, Set<String>> rooms() {
        Map<String, Set<String>> copy = new HashMap<>();
        rooms.forEach((room, members) -> copy.put(room, Set.copyOf(members)));
        return copy;
    }

    @Override
    public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
        List<SocketDetails> list = new ArrayList<>();
        apply(opts, list::add);
        return CompletableFuture.completedFuture(list);
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> roomsToJoin) {
        apply(opts, s -> s.join(roomsToJoin));
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> roomsToLeave) {
        apply(opts, s -> roomsToLeave.forEach(s::leave));
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        apply(opts, s -> s.disconnect(close));
    }

    @Override
    public void serverSideEmit(List<Object> args) {
        LOG.debug("serverSideEmit on namespace {}: no other server in an in-memory cluster", host.namespace());
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return CompletableFuture.completedFuture(1);
    }

    @Override
    public void close() {
        rooms.clear();
        sids.clear();
        if (store != null) {
            store.close();
        }
    }

    /** True when the room has at least one local socket (cheaper than {@link #rooms()}). */
    protected boolean hasRoom(String room) {
        return rooms.containsKey(room);
    }

    /** Calls {@code callback} once for every local socket matched by {@code opts}. */
    protected void apply(BroadcastOptions opts, Consumer<LocalSocket> callback) {
        Set<String> except = exceptIds(opts.except());
        if (opts.rooms().size() == 1) {
            // one room: its members are distinct already, no set to de-duplicate them (an entry per member)
            Set<String> members = rooms.get(opts.rooms().iterator().next());
            if (members != null) {
                boolean excepting = !except.isEmpty();
                for (String id : members) {
                    if (excepting && except.contains(id)) {
                        continue;
                    }
                    LocalSocket socket = host.socket(id);
                    if (socket != null) {
                        callback.accept(socket);
                    }
                }
            }
        } else if (!opts.rooms().isEmpty()) {
            Set<String> seen = new LinkedHashSet<>();
            for (String room : opts.rooms()) {
                Set<String> members = rooms.get(room);
                if (members == null) {
                    continue;
                }
                for (String id : members) {
                    if (except.contains(id) || !seen.add(id)) {
                        continue;
                    }
                    LocalSocket socket = host.socket(id);
                    if (socket != null) {
                        callback.accept(socket);
                    }
                }
            }
        } else {
            for (String id : sids.keySet()) {
                if (except.contains(id)) {
                    continue;
                }
                LocalSocket socket = host.socket(id);
                if (socket != null) {
                    callback.accept(socket);
                }
            }
        }
    }

    private Set<String> exceptIds(Set<String> exceptRooms) {
        if (exceptRooms.isEmpty()) {
            return Set.of();
        }
        Set<String> ids = new java.util.HashSet<>();
        for (String room : exceptRooms) {
            Set<String> members = rooms.get(room);
            if (members != null) {
                ids.addAll(members);
            }
        }
        return ids;
    }
}
