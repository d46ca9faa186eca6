package dev.duplex.protocol.socketio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Socket.IO v5 packet: a type, a namespace, an optional ack id and optional data. Immutable; the data
 * object itself is not copied.
 *
 * <p>For packets to encode, {@link #data()} may be anything Jackson serializes (List, Map, JsonNode, records,
 * POJOs, String, numbers, {@code null}); {@code byte[]}, {@link java.nio.ByteBuffer} and Jackson
 * {@code BinaryNode} values, at any depth, become binary attachments.
 *
 * <p>For packets returned by {@link SocketIoDecoder}, {@link #data()} is a Jackson {@code JsonNode}
 * ({@code ArrayNode} for EVENT and ACK, {@code ObjectNode} for CONNECT, {@code ObjectNode} or {@code TextNode} for
 * CONNECT_ERROR, {@code null} when absent), with every binary placeholder replaced by a {@code BinaryNode}. A
 * decoded binary packet has type {@link SocketPacketType#EVENT} or {@link SocketPacketType#ACK}, as in
 * socket.io-parser: the binaries are in the data.
 */
public final class SocketPacket {
    /** The main namespace. */
    public static final String DEFAULT_NAMESPACE = "/";

    private final SocketPacketType type;
    private final String namespace;
    private final Integer id;
    private final Object data;

    private SocketPacket(SocketPacketType type, String namespace, Integer id, Object data) {
        this.type = type;
        this.namespace = namespace;
        this.id = id;
        this.data = data;
    }

    /**
     * Any packet. {@code nsp} {@code null} or empty means {@code "/"}; otherwise it must start with {@code '/'}.
     * {@code id}, when given, must not be negative.
     */
    public static SocketPacket of(SocketPacketType type, String nsp, Integer id, Object data) {
        Objects.requireNonNull(type, "type");
        if (id != null && id < 0) {
            throw new IllegalArgumentException("negative ack id: " + id);
        }
        return new SocketPacket(type, checkNamespace(nsp), id, data);
    }

    /**
     * A CONNECT packet: from a client with its auth object (or {@code null}), or the server's reply with
     * {@code {"sid":...}}.
     */
    public static SocketPacket connect(String nsp, Object authOrNull) {
        return of(SocketPacketType.CONNECT, nsp, null, authOrNull);
    }

    /** A CONNECT_ERROR packet with data {@code {"message":message,"data":data}} ({@code data} left out when null). */
    public static SocketPacket connectError(String nsp, String message, Object dataOrNull) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        m.put("message", Objects.requireNonNull(message, "message"));
        if (dataOrNull != null) {
            m.put("data", dataOrNull);
        }
        return of(SocketPacketType.CONNECT_ERROR, nsp, null, Collections.unmodifiableMap(m));
    }

    /** A DISCONNECT packet. */
    public static SocketPacket disconnect(String nsp) {
        return of(SocketPacketType.DISCONNECT, nsp, null, null);
    }

    /**
     * An EVENT packet; {@code args.get(0)} is the event name (the list is not copied). The encoder sends it as a
     * BINARY_EVENT when the arguments contain binary data.
     */
    public static SocketPacket event(String nsp, List<?> args, Integer ackId) {
        if (args == null || args.isEmpty()) {
            throw new IllegalArgumentException("an event needs at least its name");
        }
        return of(SocketPacketType.EVENT, nsp, ackId, Collections.unmodifiableList(args));
    }

    /** An ACK packet answering {@code ackId} (the list is not copied; {@code null} means no arguments). */
    public static SocketPacket ack(String nsp, int ackId, List<?> args) {
        List<?> a = args == null ? List.of() : Collections.unmodifiableList(args);
        return of(SocketPacketType.ACK, nsp, ackId, a);
    }

    private static String checkNamespace(String nsp) {
        if (nsp == null || nsp.isEmpty() || nsp.equals(DEFAULT_NAMESPACE)) {
            return DEFAULT_NAMESPACE;
        }
        if (nsp.charAt(0) != '/') {
            throw new IllegalArgumentException("a namespace starts with '/': " + nsp);
        }
        if (nsp.indexOf(',') >= 0) {
            throw new IllegalArgumentException("a namespace cannot contain ',': " + nsp);
        }
        return nsp;
    }

    /** The packet type. */
    public SocketPacketType type() {
        return type;
    }

    /** The namespace, {@code "/"} by default. */
    public String namespace() {
        return namespace;
    }

    /** The ack id, {@code null} when there is none. */
    public Integer id() {
        return id;
    }

    /** The data, {@code null} when absent; see the class description. */
    public Object data() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SocketPacket)) {
            return false;
        }
        SocketPacket p = (SocketPacket) o;
        return type == p.type && namespace.equals(p.namespace) && Objects.equals(id, p.id)
                && Objects.equals(data, p.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, namespace, id, data);
    }

    @Override
    public String toString() {
        return "SocketPacket{" + type + ' ' + namespace + (id == null ? "" : " id=" + id) + ' ' + data + '}';
    }
}
