package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A socket of another server of the cluster, as received in a fetchSockets response.
 *
 * @param id        the socket id
 * @param handshake the handshake as the other server sent it ({@code headers, time, address, xdomain, secure,
 *                  issued, url, query, auth})
 * @param rooms     its rooms
 * @param data      a copy of its user data
 */
public record RemoteSocketDetails(String id, JsonNode handshake, Set<String> rooms, Map<String, Object> data)
        implements SocketDetails {

    /** Copies the collections. */
    public RemoteSocketDetails {
        Objects.requireNonNull(id, "id");
        rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    @Override
    public boolean local() {
        return false;
    }
}
