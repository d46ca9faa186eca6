package dev.duplex.adapter;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The state of a disconnected socket kept for connection state recovery (socket.io-adapter's
 * {@code SessionToPersist}).
 *
 * @param sid   the socket id, given back on recovery
 * @param pid   the private session id the client sends back in its CONNECT ({@code auth.pid})
 * @param rooms the rooms of the socket when it disconnected (including the one named after its id)
 * @param data  a copy of the socket's data
 */
public record Session(String sid, String pid, Set<String> rooms, Map<String, Object> data) {

    /** Copies the collections. */
    public Session {
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(pid, "pid");
        rooms = Set.copyOf(rooms);
        data = Map.copyOf(data);
    }
}
