package dev.duplex.bench.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.RedisAdapterFactory;
import dev.duplex.redis.RedisAdapterOptions;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Duplex contender: {@code echo} acks its payload, {@code join} joins a room and acks, {@code bcast(room,
 * payload)} emits {@code bcast(payload)} to the room except the sender. Default options except one I/O thread
 * (like every JVM contender); {@code --handlers-on-event-loop} runs the handlers on the event loop instead of the
 * server's handler lanes; {@code --redis <uri>} makes it a node of a cluster through the Redis adapter (default
 * {@link RedisAdapterOptions}, the cluster scenario). Loopback only.
 */
public final class DuplexBenchServer {
    private DuplexBenchServer() {
    }

    public static void main(String[] args) {
        int port = ServerControl.port(args);
        boolean onEventLoop = List.of(args).contains("--handlers-on-event-loop");
        int redisAt = List.of(args).indexOf("--redis");
        RedisAdapterFactory redis = redisAt < 0 ? null
                : RedisAdapterFactory.create(args[redisAt + 1], RedisAdapterOptions.defaults());
        ServerOptions.Builder builder = ServerOptions.builder().ioThreads(1).handlersOnEventLoop(onEventLoop);
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
        server.start(new InetSocketAddress("127.0.0.1", port));
        ServerControl.readyAndServe(port, () -> {
            server.close();
            if (redis != null) {
                redis.close();
            }
        }, () -> "bcast events received " + bcastEvents.get()
                + ", of which from a sender not in the room " + bcastSenderNotInRoom.get() + ", sockets "
                + server.clientsCount());
    }
}
