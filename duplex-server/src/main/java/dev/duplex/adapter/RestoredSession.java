package dev.duplex.adapter;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A session given back by {@link Adapter#restoreSession} (socket.io-adapter's {@code Session}).
 *
 * @param sid           the socket id
 * @param pid           the private session id
 * @param rooms         the rooms to join again
 * @param data          the socket's data
 * @param missedPackets the broadcast packets (offset included) the socket missed, in order, to write before the
 *                      CONNECT reply
 */
public record RestoredSession(String sid, String pid, Set<String> rooms, Map<String, Object> data,
                              List<PreparedPacket> missedPackets) {

    /** Copies the collections. */
    public RestoredSession {
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(pid, "pid");
        rooms = Set.copyOf(rooms);
        data = Map.copyOf(data);
        missedPackets = List.copyOf(missedPackets);
    }

    /** The session {@code s} with these missed packets. */
    public static RestoredSession of(Session s, List<PreparedPacket> missedPackets) {
        return new RestoredSession(s.sid(), s.pid(), s.rooms(), s.data(), missedPackets);
    }
}
