package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** A socket of this server, as its adapter sees it. Thread-safe. */
public interface LocalSocket extends SocketDetails {

    /** Writes a prepared packet (outgoing listeners are notified); dropped when {@code flags.volatile} and not writable. */
    void write(PreparedPacket packet, BroadcastFlags flags);

    /** Registers the callback for the acknowledgement {@code ackId} (called with all the ack's arguments). */
    void expectAck(int ackId, Consumer<List<JsonNode>> ack);

    /** Joins the rooms. */
    void join(Set<String> rooms);

    /** Leaves the room. */
    void leave(String room);

    /** Disconnects the socket ({@code close}: the whole underlying connection). */
    void disconnect(boolean close);

    @Override
    default boolean local() {
        return true;
    }
}
