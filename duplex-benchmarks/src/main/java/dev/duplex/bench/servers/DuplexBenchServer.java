package dev.duplex.bench.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.RedisAdapterFactory;
import dev.duplex.redis.RedisAdapterOptions;
import dev.duplex.server.HandlerMode;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Duplex contender: {@code echo} acks its payload, {@code join} joins a room and acks, {@code bcast(room,
 * payload)} emits {@code bcast(payload)} to the room except the sender. Default options except one I/O thread
 * (like every JVM contender), so handlers in the default {@link HandlerMode#AUTO}, which on the one CPU the
 * contenders are pinned to runs them on the event loop; {@code --handlers-on-pool} runs them on the server's
 * handler pool ({@link HandlerMode#POOL}, the default before, on any number of CPUs), {@code
 * --handlers-on-event-loop} on the event loop ({@link HandlerMode#EVENT_LOOP}); {@code --redis <uri>} makes it a node of a cluster through the Redis adapter (default
 * {@link RedisAdapterOptions}, the cluster scenario). Loopback only.
 */
public final class DuplexBenchServer {
    private DuplexBenchServer() {
    }

    public static void main(String[] args) {
        int port = ServerControl.port(args);
        HandlerMode mode = List.of(args).contains("--handlers-on-event-loop") ? HandlerMode.EVENT_LOOP
                : List.of(args).contains("--handlers-on-pool") ? HandlerMode.POOL : HandlerMode.AUTO;
        int redisAt = List.of(args).indexOf("--redis");
        Running running = startRunning(port, mode, redisAt < 0 ? null : args[redisAt + 1]);
        ServerControl.readyAndServe(port, running::close, running::stats);
    }

    /**
     * Starts the contender in this process on loopback (for the harness's own tests); {@code redisUri} null: no
     * cluster. Closing it stops the server and its Redis adapter.
     */
    public static AutoCloseable start(int port, boolean handlersOnEventLoop, String redisUri) {
        return startRunning(port, handlersOnEventLoop ? HandlerMode.EVENT_LOOP : HandlerMode.AUTO, redisUri);
    }

    /** Like {@link #start(int, boolean, String)} with handlers where {@code mode} puts them. */
    public static AutoCloseable start(int port, HandlerMode mode, String redisUri) {
        return startRunning(port, mode, redisUri);
    }

    private static Running startRunning(int port, HandlerMode mode, String redisUri) {
        RedisAdapterFactory redis = redisUri == null ? null
                : RedisAdapterFactory.create(redisUri, RedisAdapterOptions.defaults());
        ServerOptions.Builder builder = ServerOptions.builder().ioThreads(1)
                .ioTransport(ServerControl.transport()).handlerMode(mode);
        if (redis != null) {
            builder.adapter(redis);
        }
        SocketIoServer server = SocketIoServer.create(builder.build());
        AtomicLong bcastEvents = new AtomicLong();
        AtomicLong bcastSenderNotInRoom = new AtomicLong();
        server.onConnection(socket -> {
            socket.on("echo", (List<JsonNode> a, dev.duplex.server.Ack ack) -> {
                if (ack != null) {
                    ack.send(a.isEmpty() ? null : a.get(0));
                }
            });
            socket.on("join", (List<JsonNode> a, dev.duplex.server.Ack ack) -> {
                socket.join(a.get(0).asText());
                if (ack != null) {
                    ack.send();
                }
            });
            socket.on("bcast", (List<JsonNode> a, dev.duplex.server.Ack ack) -> {
                bcastEvents.incrementAndGet();
                String room = a.get(0).asText();
                if (!socket.rooms().contains(room)) {
                    bcastSenderNotInRoom.incrementAndGet();
                }
                socket.to(room).emit("bcast", a.get(1));
            });
        });
        try {
            server.start(new InetSocketAddress("127.0.0.1", port));
        } catch (RuntimeException e) {
            server.close();
            if (redis != null) {
                redis.close();
            }
            throw e;
        }
        return new Running(server, redis, bcastEvents, bcastSenderNotInRoom);
    }

    /** A started contender. */
    private record Running(SocketIoServer server, RedisAdapterFactory redis, AtomicLong bcastEvents,
                           AtomicLong bcastSenderNotInRoom) implements AutoCloseable {
        String stats() {
            return "bcast events received " + bcastEvents.get() + ", of which from a sender not in the room "
                    + bcastSenderNotInRoom.get() + ", sockets " + server.clientsCount();
        }

        @Override
        public void close() {
            server.close();
            if (redis != null) {
                redis.close();
            }
        }
    }
}
