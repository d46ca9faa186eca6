package dev.duplex.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.adapter.BroadcastOptions;
import dev.duplex.adapter.ClusterMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire form of socket.io-adapter's {@code ClusterMessage} ({@code {type, data, uid, nsp}}), as the sharded
 * {@code @socket.io/redis-adapter} and {@code @socket.io/redis-streams-adapter} 0.3 write it: {@code data} keys in
 * socket.io's order, JSON or msgpack of the same tree. Decoding returns null for what is not understood.
 */
final class ClusterCodec {
    private static final int EVENT = 2;

    private ClusterCodec() {
    }

    /** The {@code data} of a message (null when the type has none), as a tree (binary as binary nodes). */
    static JsonNode data(ClusterMessage m) {
        Map<String, Object> d = new LinkedHashMap<>();
        switch (m.type()) {
            case BROADCAST -> {
                Map<String, Object> packet = new LinkedHashMap<>();
                packet.put("type", EVENT);
                packet.put("data", m.args());
                d.put("packet", packet);
                if (m.requestId() != null) {
                    d.put("requestId", m.requestId());
                }
                d.put("opts", opts(m.opts()));
            }
            case SOCKETS_JOIN, SOCKETS_LEAVE -> {
                d.put("opts", opts(m.opts()));
                d.put("rooms", m.rooms());
            }
            case DISCONNECT_SOCKETS -> {
                d.put("opts", opts(m.opts()));
                d.put("close", m.close());
            }
            case FETCH_SOCKETS -> {
                d.put("opts", opts(m.opts()));
                d.put("requestId", m.requestId());
            }
            case FETCH_SOCKETS_RESPONSE -> {
                d.put("requestId", m.requestId());
                d.put("sockets", ClassicCodec.sockets(m.sockets()));
            }
            case SERVER_SIDE_EMIT -> {
                if (m.requestId() != null) {
                    d.put("requestId", m.requestId());
                }
                d.put("packet", m.args());
            }
            case SERVER_SIDE_EMIT_RESPONSE, BROADCAST_ACK -> {
                d.put("requestId", m.requestId());
                d.put("packet", m.reply() == null ? NullNode.instance : m.reply());
            }
            case BROADCAST_CLIENT_COUNT -> {
                d.put("requestId", m.requestId());
                d.put("clientCount", m.clientCount());
            }
            default -> throw new IllegalArgumentException("no ClusterAdapter form for " + m.type());
        }
        return ClassicCodec.MSGPACK.valueToTree(d);
    }

    private static Map<String, Object> opts(BroadcastOptions opts) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rooms", opts.rooms());
        o.put("except", opts.except());
        o.put("flags", ClassicCodec.flags(opts.flags()));
        return o;
    }

    /** The whole message {@code {type, data, uid, nsp}} as a tree. */
    static ObjectNode envelope(ClusterMessage m, String nsp) {
        ObjectNode o = ClassicCodec.MSGPACK.createObjectNode();
        o.put("type", m.type().code());
        o.set("data", data(m));
        o.put("uid", m.uid());
        o.put("nsp", nsp);
        return o;
    }

    /** True for the types whose data may hold binary (socket.io's list), when it does. */
    static boolean binary(ClusterMessage.Type type, JsonNode data) {
        return switch (type) {
            case BROADCAST, FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT, SERVER_SIDE_EMIT_RESPONSE, BROADCAST_ACK ->
                    hasBinary(data);
            default -> false;
        };
    }

    static boolean hasBinary(JsonNode n) {
        if (n == null) {
            return false;
        }
        if (n.isBinary()) {
            return true;
        }
        if (n.isContainerNode()) {
            for (JsonNode c : n) {
                if (hasBinary(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The sharded adapter's encoding: JSON, or msgpack when the data holds binary. */
    static byte[] encodeSharded(ClusterMessage m, String nsp) {
        ObjectNode e = envelope(m, nsp);
        return binary(m.type(), e.get("data")) ? write(true, e) : write(false, e);
    }

    /** msgpack of the whole message (the streams adapter's pub/sub traffic). */
    static byte[] encodeMsgpack(ClusterMessage m, String nsp) {
        return write(true, envelope(m, nsp));
    }

    static byte[] write(boolean msgpack, JsonNode tree) {
        try {
            return (msgpack ? ClassicCodec.MSGPACK : ClassicCodec.JSON).writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode: " + e.getMessage(), e);
        }
    }

    /** JSON when the first byte is '{', msgpack otherwise. */
    static JsonNode parse(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new IllegalArgumentException("empty message");
        }
        try {
            return payload[0] == '{' ? ClassicCodec.JSON.readTree(payload) : ClassicCodec.MSGPACK.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed message: " + e.getMessage(), e);
        }
    }

    /** A message of namespace {@code nsp}; null when for another namespace or not understood. */
    static ClusterMessage decode(JsonNode e, String nsp) {
        if (e == null || !e.isObject() || !nsp.equals(e.path("nsp").asText(null))) {
            return null;
        }
        String uid = e.path("uid").isTextual() ? e.get("uid").asText() : null;
        return decode(e.path("type").asInt(-1), uid, e.path("data"));
    }

    /** A message from its type, uid and data; null when not understood. */
    static ClusterMessage decode(int type, String uid, JsonNode d) {
        String requestId = d.path("requestId").isTextual() ? d.get("requestId").asText() : null;
        switch (type) {
            case 3: {
                JsonNode args = d.path("packet").path("data");
                if (!args.isArray() || args.isEmpty()) {
                    return null;
                }
                return ClusterMessage.broadcast(uid, ClassicCodec.args(args), ClassicCodec.options(d.get("opts")),
                        requestId);
            }
            case 4:
            case 5:
                return ClusterMessage.socketsJoinLeave(uid, type == 4, ClassicCodec.options(d.get("opts")),
                        ClassicCodec.strings(d.get("rooms")));
            case 6:
                return ClusterMessage.disconnectSockets(uid, ClassicCodec.options(d.get("opts")),
                        d.path("close").asBoolean());
            case 7:
                return requestId == null ? null
                        : ClusterMessage.fetchSockets(uid, requestId, ClassicCodec.options(d.get("opts")));
            case 8: {
                List<dev.duplex.adapter.SocketDetails> sockets = ClassicCodec.decodeSockets(d.get("sockets"));
                return requestId == null || sockets == null ? null
                        : ClusterMessage.fetchSocketsResponse(uid, requestId, sockets);
            }
            case 9:
                return d.path("packet").isArray()
                        ? ClusterMessage.serverSideEmit(uid, requestId, new ArrayList<>(ClassicCodec.args(d.get("packet"))))
                        : null;
            case 10:
                return requestId == null ? null : ClusterMessage.serverSideEmitResponse(uid, requestId,
                        d.has("packet") ? d.get("packet") : NullNode.instance);
            case 11:
                return requestId == null ? null
                        : ClusterMessage.clientCount(uid, requestId, d.path("clientCount").asInt());
            case 12:
                return requestId == null ? null : ClusterMessage.broadcastAck(uid, requestId,
                        d.has("packet") ? d.get("packet") : NullNode.instance);
            default:
                return null;
        }
    }

    // ------------------------------------------------------------------ streams adapter 0.3

    /**
     * The fields of a stream entry, in Node's order: {@code uid, nsp, type, data}; {@code data} is JSON, or
     * base64(msgpack) when it holds binary (unless {@code onlyPlaintext}).
     */
    static Map<String, String> entry(ClusterMessage m, String nsp, boolean onlyPlaintext) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("uid", m.uid());
        fields.put("nsp", nsp);
        fields.put("type", Integer.toString(m.type().code()));
        JsonNode data = data(m);
        if (!onlyPlaintext && binary(m.type(), data)) {
            fields.put("data", java.util.Base64.getEncoder().encodeToString(write(true, data)));
        } else {
            fields.put("data", new String(write(false, data), java.nio.charset.StandardCharsets.UTF_8));
        }
        return fields;
    }

    /** A message from the fields of a stream entry; null when not understood. */
    static ClusterMessage decodeEntry(Map<String, String> fields) {
        String type = fields.get("type");
        if (type == null || fields.get("nsp") == null) {
            return null;
        }
        int t;
        try {
            t = Integer.parseInt(type);
        } catch (NumberFormatException e) {
            return null;
        }
        String raw = fields.get("data");
        JsonNode data;
        try {
            if (raw == null) {
                data = ClassicCodec.JSON.createObjectNode();
            } else if (raw.startsWith("{")) {
                data = ClassicCodec.JSON.readTree(raw);
            } else {
                data = ClassicCodec.MSGPACK.readTree(java.util.Base64.getDecoder().decode(raw));
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return decode(t, fields.get("uid"), data);
    }

    /** A session as the streams adapter keeps it: base64(msgpack({sid, pid, rooms, data})). */
    static String encodeSession(dev.duplex.adapter.Session s) {
        return encodeSession(s.sid(), s.pid(), s.rooms(), s.data());
    }

    static String encodeSession(String sid, String pid, java.util.Collection<String> rooms, Map<String, Object> data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sid", sid);
        m.put("pid", pid);
        m.put("rooms", rooms);
        m.put("data", data);
        return java.util.Base64.getEncoder().encodeToString(ClassicCodec.msgpack(m));
    }

    /** The session kept by {@link #encodeSession} (or a Node server); null when malformed. */
    static dev.duplex.adapter.Session decodeSession(String raw) {
        try {
            JsonNode n = ClassicCodec.MSGPACK.readTree(java.util.Base64.getDecoder().decode(raw));
            if (!n.path("sid").isTextual() || !n.path("pid").isTextual()) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> data = n.path("data").isObject()
                    ? ClassicCodec.JSON.convertValue(n.get("data"), Map.class) : Map.of();
            return new dev.duplex.adapter.Session(n.get("sid").asText(), n.get("pid").asText(),
                    ClassicCodec.strings(n.get("rooms")), data);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
