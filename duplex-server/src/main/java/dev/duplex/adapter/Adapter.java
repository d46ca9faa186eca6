package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.protocol.socketio.SocketPacket;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The adapter of one namespace: it keeps the rooms of the namespace's sockets and delivers broadcasts, in the image
 * of socket.io-adapter. {@link InMemoryAdapter} is the default; a cluster adapter (e.g. Redis) extends it or
 * implements this interface and forwards to the other nodes what is not {@link BroadcastFlags#local() local}.
 *
 * <p>Every method may be called from any thread; implementations must be thread-safe. The adapter talks to the
 * namespace's local sockets only through its {@link AdapterHost}.
 */
public interface Adapter extends AutoCloseable {

    /** Called once after creation; a cluster adapter connects here. */
    default CompletableFuture<Void> init() {
        return CompletableFuture.completedFuture(null);
    }

    /** Adds the socket {@code id} to every room of {@code rooms}. */
    void addAll(String id, Set<String> rooms);

    /** Removes the socket {@code id} from {@code room}. */
    void del(String id, String room);

    /** Removes the socket {@code id} from all its rooms. */
    void delAll(String id);

    /** Sends {@code packet} (an EVENT, namespace set) to the sockets matched by {@code opts}, encoding it once. */
    void broadcast(SocketPacket packet, BroadcastOptions opts);

    /**
     * Sends {@code packet} with an ack id to the matched sockets. {@code clientCountCallback} is called (once per
     * server of the cluster) with the number of sockets the packet was written to; {@code ackCallback} is called
     * with the first argument of each client's acknowledgement.
     */
    void broadcastWithAck(SocketPacket packet, BroadcastOptions opts, IntConsumer clientCountCallback,
                          Consumer<JsonNode> ackCallback);

    /** The ids of the sockets in any of {@code rooms} (all sockets when empty). */
    CompletableFuture<Set<String>> sockets(Set<String> rooms);

    /** The rooms of the socket {@code id}, or an empty set. */
    Set<String> socketRooms(String id);

    /** A snapshot of the rooms and their members. */
    Map<String, Set<String>> rooms();

    /** The sockets matched by {@code opts}. */
    CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions opts);

    /** Makes the matched sockets join {@code rooms}. */
    void addSockets(BroadcastOptions opts, Set<String> rooms);

    /** Makes the matched sockets leave {@code rooms}. */
    void delSockets(BroadcastOptions opts, Set<String> rooms);

    /** Disconnects the matched sockets ({@code close}: close their whole connection). */
    void disconnectSockets(BroadcastOptions opts, boolean close);

    /** Sends an event to the other servers of the cluster; a no-op for a cluster of one. */
    void serverSideEmit(List<Object> args);

    /**
     * Sends an event to the other servers of the cluster and completes with one reply per other server (the first
     * argument of each server's acknowledgement). Fails with a {@link ClusterTimeoutException} carrying the replies
     * that arrived in time when some server does not answer. An empty list for a cluster of one.
     */
    default CompletableFuture<List<JsonNode>> serverSideEmitWithAck(List<Object> args) {
        return CompletableFuture.completedFuture(List.of());
    }

    /** The names of every room of the namespace on every server of the cluster (socket ids included). */
    default CompletableFuture<Set<String>> allRooms() {
        return CompletableFuture.completedFuture(Set.copyOf(rooms().keySet()));
    }

    /** The number of servers in the cluster (1 for the in-memory adapter). */
    CompletableFuture<Integer> serverCount();

    /**
     * Keeps the session of a socket that disconnected for a reason that allows connection state recovery (called
     * only when the server has {@code connectionStateRecovery}). The default keeps nothing.
     */
    default void persistSession(Session session) {
    }

    /**
     * Gives back the session {@code pid} with the packets broadcast after {@code offset} that its rooms would have
     * received, and forgets the session (it is restored at most once); completes with null when there is no such
     * session (unknown, expired) or the packets after {@code offset} are no longer all kept. The default restores
     * nothing.
     */
    default CompletableFuture<RestoredSession> restoreSession(String pid, String offset) {
        return CompletableFuture.completedFuture(null);
    }

    /** Releases what the adapter holds. */
    @Override
    void close();
}
