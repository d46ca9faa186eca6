package dev.duplex.adapter;

import java.util.Map;
import java.util.Set;

/** What {@link Adapter#fetchSockets} returns about a socket, local or on another server. */
public interface SocketDetails {

    /** The socket id. */
    String id();

    /** The socket's rooms. */
    Set<String> rooms();

    /** The socket's user data (live for a local socket, a copy for a remote one). */
    Map<String, Object> data();

    /** The handshake: a {@code dev.duplex.server.Handshake} for a local socket, a JSON tree for a remote one. */
    Object handshake();

    /**
     * The handshake as socket.io sends it to the other servers of a cluster: {@code headers, time, address, xdomain,
     * secure, issued, url, query, auth}. Null when unknown.
     */
    default com.fasterxml.jackson.databind.JsonNode handshakeJson() {
        return handshake() instanceof com.fasterxml.jackson.databind.JsonNode n ? n : null;
    }

    /** True when the socket lives on this server. */
    boolean local();
}
