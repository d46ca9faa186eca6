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

    /** True when the socket lives on this server. */
    boolean local();
}
