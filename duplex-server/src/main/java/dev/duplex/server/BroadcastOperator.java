package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.BroadcastOptions;
import dev.duplex.adapter.SocketDetails;
import dev.duplex.protocol.socketio.SocketPacket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An immutable broadcast target: rooms, excluded rooms and flags. Every method returning an operator returns a new
 * one. The packet of {@link #emit} is encoded once and the same bytes are written to every recipient.
 */
public final class BroadcastOperator {
    private final Namespace nsp;
    private final Set<String> rooms;
    private final Set<String> except;
    private final BroadcastFlags flags;

    BroadcastOperator(Namespace nsp, Set<String> rooms, Set<String> except, BroadcastFlags flags) {
        this.nsp = nsp;
        this.rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
        this.except = Collections.unmodifiableSet(new LinkedHashSet<>(except));
        this.flags = flags;
    }

    /** Adds a target room. */
    public BroadcastOperator to(String room) {
        return to(List.of(room));
    }

    /** Adds target rooms. */
    public BroadcastOperator to(Collection<String> more) {
        Set<String> s = new LinkedHashSet<>(rooms);
        s.addAll(more);
        return new BroadcastOperator(nsp, s, except, flags);
    }

    /** Same as {@link #to(String)}. */
    public BroadcastOperator in(String room) {
        return to(room);
    }

    /** Same as {@link #to(Collection)}. */
    public BroadcastOperator in(Collection<String> more) {
        return to(more);
    }

    /** Excludes the sockets of a room. */
    public BroadcastOperator except(String room) {
        return except(List.of(room));
    }

    /** Excludes the sockets of rooms. */
    public BroadcastOperator except(Collection<String> more) {
        Set<String> s = new LinkedHashSet<>(except);
        s.addAll(more);
        return new BroadcastOperator(nsp, rooms, s, flags);
    }

    /**
     * socket.io's {@code compress} flag, true by default: with false, each recipient's WebSocket frame is sent
     * without per-message deflate (RSV1 clear) even when the extension was negotiated, and over polling the
     * message does not make its HTTP response compressed.
     */
    public BroadcastOperator compress(boolean compress) {
        return new BroadcastOperator(nsp, rooms, except,
                new BroadcastFlags(flags.volatileFlag(), compress, flags.local(), flags.broadcast(), flags.timeout()));
    }

    /**
     * socket.io's {@code volatile} flag: the event is dropped for sockets whose connection is not open at the
     * moment of the broadcast, instead of being queued.
     */
    public BroadcastOperator volatileFlag() {
        return new BroadcastOperator(nsp, rooms, except,
                new BroadcastFlags(true, flags.compress(), flags.local(), flags.broadcast(), flags.timeout()));
    }

    /** Only the sockets of this server (meaningful with a cluster adapter). */
    public BroadcastOperator local() {
        return new BroadcastOperator(nsp, rooms, except,
                new BroadcastFlags(flags.volatileFlag(), flags.compress(), true, flags.broadcast(), flags.timeout()));
    }

    /** The ack timeout of {@link #emitWithAck}. */
    public BroadcastOperator timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return new BroadcastOperator(nsp, rooms, except,
                new BroadcastFlags(flags.volatileFlag(), flags.compress(), flags.local(), flags.broadcast(), timeout));
    }

    private BroadcastOptions options() {
        return new BroadcastOptions(rooms, except, flags);
    }

    /** Sends an event to the targeted sockets. Reserved names throw {@link IllegalArgumentException}. */
    public void emit(String event, Object... args) {
        Reserved.check(event);
        List<Object> list = Socket.eventList(event, args);
        BroadcastOptions opts = options();
        Instrumentation instr = nsp.server().options().instrumentation();
        for (Namespace target : nsp.targets()) {
            if (instr != null) {
                instr.broadcast(target.name());
            }
            target.adapter().broadcast(SocketPacket.event(target.name(), list, null), opts);
        }
    }

    /**
     * Sends an event expecting an ack from every targeted socket. Completes with the first argument of each
     * response once all have arrived; with a {@link #timeout(Duration)}, fails with an {@link AckTimeoutException}
     * carrying the responses that arrived in time.
     */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        Reserved.check(event);
        List<Object> list = Socket.eventList(event, args);
        List<Namespace> targets = nsp.targets();
        List<CompletableFuture<List<JsonNode>>> parts = new ArrayList<>();
        Instrumentation instr = nsp.server().options().instrumentation();
        for (Namespace target : targets) {
            if (instr != null) {
                instr.broadcast(target.name());
            }
            parts.add(emitWithAck(target, list));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<JsonNode> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }

    private CompletableFuture<List<JsonNode>> emitWithAck(Namespace target, List<Object> list) {
        CompletableFuture<List<JsonNode>> future = new CompletableFuture<>();
        Collector collector = new Collector(future);
        if (flags.timeout() != null) {
            // failed on the handler executor, not on the shared timer thread that a blocking continuation would stall
            ScheduledFuture<?> timer = nsp.server().timer().schedule(() -> nsp.server().runOnHandlerExecutor(
                    collector::timeout), flags.timeout().toNanos(), TimeUnit.NANOSECONDS);
            future.whenComplete((r, e) -> timer.cancel(false));
        }
        target.adapter().broadcastWithAck(SocketPacket.event(target.name(), list, null), options(),
                collector::clientCount, collector::response);
        target.adapter().serverCount().whenComplete((count, error) -> {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                collector.serverCount(count);
            }
        });
        return future;
    }

    /** Gathers the acks of one broadcast, as socket.io's BroadcastOperator does. */
    private static final class Collector {
        private final CompletableFuture<List<JsonNode>> future;
        private final List<JsonNode> responses = new ArrayList<>();
        private int expectedClients;
        private int actualServers;
        private int expectedServers = -1;

        Collector(CompletableFuture<List<JsonNode>> future) {
            this.future = future;
        }

        synchronized void clientCount(int count) {
            expectedClients += count;
            actualServers++;
            check();
        }

        synchronized void response(JsonNode response) {
            responses.add(response == null ? NullNode.instance : response);
            check();
        }

        synchronized void serverCount(int count) {
            expectedServers = count;
            check();
        }

        synchronized void timeout() {
            future.completeExceptionally(new AckTimeoutException(responses));
        }

        private void check() {
            if (expectedServers == actualServers && responses.size() == expectedClients) {
                future.complete(List.copyOf(responses));
            }
        }
    }

    /** The targeted sockets. */
    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        List<CompletableFuture<List<SocketDetails>>> parts = new ArrayList<>();
        List<Namespace> targets = nsp.targets();
        for (Namespace target : targets) {
            parts.add(target.adapter().fetchSockets(options()));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<RemoteSocket> all = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                for (SocketDetails d : parts.get(i).join()) {
                    all.add(new RemoteSocket(targets.get(i), d));
                }
            }
            return all;
        });
    }

    /** Makes the targeted sockets join the rooms. */
    public void socketsJoin(String... roomsToJoin) {
        socketsJoin(Arrays.asList(roomsToJoin));
    }

    /** Makes the targeted sockets join the rooms. */
    public void socketsJoin(Collection<String> roomsToJoin) {
        Set<String> s = new LinkedHashSet<>(roomsToJoin);
        nsp.targets().forEach(t -> t.adapter().addSockets(options(), s));
    }

    /** Makes the targeted sockets leave the rooms. */
    public void socketsLeave(String... roomsToLeave) {
        socketsLeave(Arrays.asList(roomsToLeave));
    }

    /** Makes the targeted sockets leave the rooms. */
    public void socketsLeave(Collection<String> roomsToLeave) {
        Set<String> s = new LinkedHashSet<>(roomsToLeave);
        nsp.targets().forEach(t -> t.adapter().delSockets(options(), s));
    }

    /** Disconnects the targeted sockets ({@code close}: close their underlying connections). */
    public void disconnectSockets(boolean close) {
        nsp.targets().forEach(t -> t.adapter().disconnectSockets(options(), close));
    }

    @Override
    public String toString() {
        return "BroadcastOperator[nsp=" + nsp.name() + ", rooms=" + rooms + ", except=" + except + ", " + flags + "]";
    }
}
