package dev.duplex.bench.servers;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.MultiTypeArgs;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.listener.MultiTypeEventListener;

/**
 * The netty-socketio 2.0.14 contender: {@code echo} acks its payload, {@code join} joins a room and acks,
 * {@code bcast(room, payload)} emits {@code bcast(payload)} to the room except the sender. One boss and one worker
 * thread, native epoll, loopback only; otherwise netty-socketio's defaults.
 */
public final class NettySocketIoServer {
    private NettySocketIoServer() {
    }

    public static void main(String[] args) {
        int port = ServerControl.port(args);
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(port);
        config.setBossThreads(1);
        config.setWorkerThreads(1);
        config.setUseLinuxNativeEpoll(true);
        SocketIOServer server = new SocketIOServer(config);
        server.addEventListener("echo", String.class, (client, payload, ack) -> ack.sendAckData(payload));
        server.addEventListener("join", String.class, (client, room, ack) -> {
            client.joinRoom(room);
            ack.sendAckData();
        });
        MultiTypeEventListener bcast = (client, args2, ack) -> bcast(server, client, args2);
        server.addMultiTypeEventListener("bcast", bcast, String.class, String.class);
        server.start();
        ServerControl.readyAndServe(port, server::stop);
    }

    private static void bcast(SocketIOServer server, com.corundumstudio.socketio.SocketIOClient client,
            MultiTypeArgs args) {
        String room = args.get(0);
        String payload = args.get(1);
        server.getRoomOperations(room).sendEvent("bcast", client, payload);
    }
}
