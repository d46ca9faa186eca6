package dev.duplex.server;

import dev.duplex.adapter.SocketDetails;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * A socket returned by {@code fetchSockets()}: a snapshot of its id, rooms, data and handshake, and operations that
 * reach it wherever it lives (through the adapter).
 */
public final class RemoteSocket {
    private final Namespace nsp;
    private final SocketDetails details;

    RemoteSocket(Namespace nsp, SocketDetails details) {
        this.nsp = nsp;
        this.details = details;
    }

    /** The socket id. */
    public String id() {
        return details.id();
    }

    /** The handshake of a socket of this server, or null for a socket of another server. */
    public Handshake handshake() {
        return details.handshake() instanceof Handshake h ? h : null;
    }

    /** The handshake as the adapter gave it (a JSON tree for a socket of another server). */
    public Object rawHandshake() {
        return details.handshake();
    }

    /**
     * The handshake as socket.io describes it across a cluster ({@code headers, time, address, xdomain, secure,
     * issued, url, query, auth}), for a socket of this server or of another one.
     */
    public com.fasterxml.jackson.databind.JsonNode handshakeJson() {
        return details.handshakeJson();
    }

    /** The rooms. */
    public Set<String> rooms() {
        return details.rooms();
    }

    /** The user data (live for a local socket). */
    public Map<String, Object> data() {
        return details.data();
    }

    /** True when the socket lives on this server. */
    public boolean local() {
        return details.local();
    }

    /** Sends an event to this socket. */
    public void emit(String event, Object... args) {
        nsp.to(id()).emit(event, args);
    }

    /** Joins rooms. */
    public void join(String... rooms) {
        nsp.in(id()).socketsJoin(Arrays.asList(rooms));
    }

    /** Leaves rooms. */
    public void leave(String... rooms) {
        nsp.in(id()).socketsLeave(Arrays.asList(rooms));
    }

    /** Disconnects it. */
    public void disconnect(boolean close) {
        nsp.in(id()).disconnectSockets(close);
    }

    @Override
    public String toString() {
        return "RemoteSocket[" + id() + ", rooms=" + rooms() + "]";
    }
}
