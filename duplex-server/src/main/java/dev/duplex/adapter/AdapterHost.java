package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.protocol.socketio.SocketPacket;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What an adapter sees of its namespace: its name, its local sockets (by id) and the packet encoder. This is the
 * only way an adapter reaches the socket layer.
 */
public interface AdapterHost {

    /** The namespace name, e.g. {@code "/"} or {@code "/chat"}. */
    String namespace();

    /** The local socket with this id, or null. */
    LocalSocket socket(String id);

    /** Encodes {@code packet} once; the result may be written to many sockets. */
    PreparedPacket prepare(SocketPacket packet);

    /** A fresh ack id from the namespace-wide counter. */
    int nextAckId();

    /** Delivers a server-side event received from another server of the cluster to this namespace's listeners. */
    void onServerSideEmit(List<JsonNode> args);

    /**
     * The server's connection state recovery window ({@code maxDisconnectionDuration}), or null when recovery is
     * off: then broadcasts carry no offset and no session is kept.
     */
    default Duration maxDisconnectionDuration() {
        return null;
    }

    /**
     * Delivers a server-side event that expects an acknowledgement: {@code ack} must be called at most once with the
     * reply (the first argument the listener acknowledged with). The default ignores the ack.
     */
    default void onServerSideEmit(List<JsonNode> args, Consumer<JsonNode> ack) {
        onServerSideEmit(args);
    }
}
