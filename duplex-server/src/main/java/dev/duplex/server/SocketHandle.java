package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.LocalSocket;
import dev.duplex.adapter.PreparedPacket;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** What the adapter sees of a {@link Socket}: its id, rooms and data, and the writes of broadcasts. */
final class SocketHandle implements LocalSocket {
    private final Socket socket;

    SocketHandle(Socket socket) {
        this.socket = socket;
    }

    Socket socket() {
        return socket;
    }

    @Override
    public String id() {
        return socket.id();
    }

    @Override
    public Set<String> rooms() {
        return socket.rooms();
    }

    @Override
    public Map<String, Object> data() {
        return socket.data();
    }

    @Override
    public Object handshake() {
        return socket.handshake();
    }

    @Override
    public JsonNode handshakeJson() {
        return socket.handshake().toJson();
    }

    @Override
    public void write(PreparedPacket packet, BroadcastFlags flags) {
        Recovery r = socket.recovery();
        if (r != null && r.hold(packet, flags)) {
            return;
        }
        SocketListeners listeners = socket.listeners();
        if (listeners.hasOutgoing() && packet.packet().data() instanceof List<?> list && !list.isEmpty()) {
            listeners.notifyOutgoing(String.valueOf(list.get(0)), list.subList(1, list.size()));
        }
        Client client = socket.client();
        Instrumentation instr = client.server.options().instrumentation();
        if (instr != null) {
            instr.broadcastRecipient();
        }
        client.writePrepared((Prepared) packet, flags);
    }

    @Override
    public void expectAck(int ackId, Consumer<List<JsonNode>> ack) {
        socket.acks().expect(ackId, ack);
    }

    @Override
    public void join(Set<String> rooms) {
        socket.join(rooms);
    }

    @Override
    public void leave(String room) {
        socket.leave(room);
    }

    @Override
    public void disconnect(boolean close) {
        socket.disconnect(close);
    }
}
