package dev.duplex.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.engine.EngineSocket;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What socket.io does differently for a Socket.IO v2 client (Socket.IO protocol v4 over an Engine.IO v3 session,
 * accepted with {@link ServerOptions#allowEIO3()}): the connection joins {@code "/"} at once; a CONNECT's namespace
 * carries a query, which is its auth; the CONNECT reply has no payload; a socket's id is the Engine.IO id (prefixed
 * with {@code nsp#} outside {@code "/"}); a refused CONNECT's payload is the error's data, or its message.
 * Only reached for such connections.
 */
final class ClientV3 {
    private ClientV3() {
    }

    /** Whether {@code conn} is a Socket.IO v2 client. */
    static boolean is(EngineSocket conn) {
        return conn.protocol() == 3;
    }

    /** A namespace and the auth its CONNECT carried. */
    record Target(String name, ObjectNode auth) {
    }

    /**
     * socket.io's {@code _parseNamespace} for protocol 3: the path of the packet's namespace, and its query
     * parameters (the last of repeated ones) as the auth object.
     */
    static Target parse(String nsp) {
        ObjectNode auth = JsonNodeFactory.instance.objectNode();
        int q = nsp.indexOf('?');
        if (q < 0) {
            return new Target(nsp, auth);
        }
        String query = nsp.substring(q + 1);
        int hash = query.indexOf('#');
        if (hash >= 0) {
            query = query.substring(0, hash);
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            auth.put(decode(k), decode(v));
        }
        String name = nsp.substring(0, q);
        return new Target(name.isEmpty() ? SocketPacket.DEFAULT_NAMESPACE : name, auth);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // as URLSearchParams: a malformed escape stays as it is
            return s.replace('+', ' ');
        }
    }

    /** The namespace a packet other than CONNECT is for: its path, without a query. */
    static String namespace(String nsp) {
        int q = nsp.indexOf('?');
        return q < 0 ? nsp : nsp.substring(0, q);
    }

    /** The socket id socket.io gives a v2 client's socket: the Engine.IO id, {@code nsp#id} outside "/". */
    static String socketId(String nsp, EngineSocket conn) {
        return SocketPacket.DEFAULT_NAMESPACE.equals(nsp) ? conn.id() : nsp + "#" + conn.id();
    }

    /** The CONNECT reply: no payload. */
    static SocketPacket connectReply(String nsp) {
        return SocketPacket.of(SocketPacketType.CONNECT, nsp, null, null);
    }

    /** The CONNECT_ERROR of a refused CONNECT: {@code err.data || err.message}. */
    static SocketPacket connectError(String nsp, Exception error) {
        Object payload = error instanceof ConnectionRefusedException refused && refused.data() != null
                ? refused.data() : error.getMessage();
        return SocketPacket.of(SocketPacketType.CONNECT_ERROR, nsp, null, payload);
    }
}
