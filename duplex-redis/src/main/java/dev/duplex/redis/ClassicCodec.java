package dev.duplex.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.BroadcastOptions;
import dev.duplex.adapter.ClusterMessage;
import dev.duplex.adapter.RemoteSocketDetails;
import dev.duplex.adapter.SocketDetails;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wire format of the classic protocol of {@code @socket.io/redis-adapter} 8.x and {@code @socket.io/redis-emitter}
 * 5.x: msgpack arrays {@code [uid, packet, opts]} for broadcasts, JSON (or msgpack for BROADCAST with acks and their
 * acks) for requests and responses. Maps are written with socket.io's key order, so that what Duplex publishes is
 * byte for byte what a Node server publishes.
 */
final class ClassicCodec {
    static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** Request types of the classic protocol. */
    static final int SOCKETS = 0;
    static final int ALL_ROOMS = 1;
    static final int REMOTE_JOIN = 2;
    static final int REMOTE_LEAVE = 3;
    static final int REMOTE_DISCONNECT = 4;
    static final int REMOTE_FETCH = 5;
    static final int SERVER_SIDE_EMIT = 6;
    static final int BROADCAST = 7;
    static final int BROADCAST_CLIENT_COUNT = 8;
    static final int BROADCAST_ACK = 9;

    /** The EVENT packet type, the only one that goes through the adapter. */
    private static final int EVENT = 2;

    private ClassicCodec() {
    }

    // ------------------------------------------------------------------ channels

    static String broadcastChannelPrefix(String key, String nsp) {
        return key + "#" + nsp + "#";
    }

    /** {@code <key>#<nsp>#} or, for exactly one room, {@code <key>#<nsp>#<room>#}. */
    static String broadcastChannel(String key, String nsp, Set<String> rooms) {
        String base = broadcastChannelPrefix(key, nsp);
        return rooms.size() == 1 ? base + rooms.iterator().next() + "#" : base;
    }

    static String requestChannel(String key, String nsp) {
        return key + "-request#" + nsp + "#";
    }

    static String responseChannel(String key, String nsp) {
        return key + "-response#" + nsp + "#";
    }

    static String specificResponseChannel(String key, String nsp, String uid) {
        return key + "-response#" + nsp + "#" + uid + "#";
    }

    // ------------------------------------------------------------------ encoding

    /** The flags as socket.io publishes them: only those set ({@code local} is never published). */
    static Map<String, Object> flags(BroadcastFlags flags) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (flags.volatileFlag()) {
            m.put("volatile", true);
        }
        if (!flags.compress()) {
            m.put("compress", false);
        }
        if (flags.timeout() != null) {
            m.put("timeout", flags.timeout().toMillis());
        }
        return m;
    }

    private static Map<String, Object> packet(String nsp, List<?> args) {
        Map<String, Object> packet = new LinkedHashMap<>();
        packet.put("type", EVENT);
        packet.put("data", args);
        packet.put("nsp", nsp);
        return packet;
    }

    private static Map<String, Object> opts(BroadcastOptions opts, boolean withFlags) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rooms", opts.rooms());
        m.put("except", opts.except());
        if (withFlags) {
            m.put("flags", flags(opts.flags()));
        }
        return m;
    }

    /** A broadcast of a server: {@code [uid, {type, data, nsp}, {rooms, except, flags}]}. */
    static byte[] encodeBroadcast(String uid, String nsp, List<?> args, BroadcastOptions opts) {
        return msgpack(List.of(uid, packet(nsp, args), opts(opts, true)));
    }

    /** A broadcast of the emitter: {@code ["emitter", {type, data, nsp}, {rooms, flags, except}]}. */
    static byte[] encodeEmitterBroadcast(String nsp, List<?> args, Set<String> rooms, Set<String> except,
                                         Map<String, Object> flags) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rooms", rooms);
        o.put("flags", flags);
        o.put("except", except);
        return msgpack(List.of("emitter", packet(nsp, args), o));
    }

    /** A request of a server (JSON, or msgpack for a broadcast with acks). */
    static byte[] encodeRequest(ClusterMessage m, String nsp) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uid", m.uid());
        if (m.requestId() != null) {
            r.put("requestId", m.requestId());
        }
        switch (m.type()) {
            case BROADCAST -> {
                r.put("type", BROADCAST);
                r.put("packet", packet(nsp, m.args()));
                r.put("opts", opts(m.opts(), true));
                return msgpack(r);
            }
            case ALL_ROOMS -> r.put("type", ALL_ROOMS);
            case FETCH_SOCKETS -> {
                r.put("type", REMOTE_FETCH);
                r.put("opts", opts(m.opts(), false));
            }
            case SERVER_SIDE_EMIT -> {
                r.put("type", SERVER_SIDE_EMIT);
                r.put("data", m.args());
            }
            case SOCKETS_JOIN, SOCKETS_LEAVE -> {
                r.put("type", m.type() == ClusterMessage.Type.SOCKETS_JOIN ? REMOTE_JOIN : REMOTE_LEAVE);
                r.put("opts", opts(m.opts(), false));
                r.put("rooms", m.rooms());
            }
            case DISCONNECT_SOCKETS -> {
                r.put("type", REMOTE_DISCONNECT);
                r.put("opts", opts(m.opts(), false));
                r.put("close", m.close());
            }
            default -> throw new IllegalArgumentException("not a request: " + m.type());
        }
        return json(r);
    }

    /** A response (JSON, or msgpack for a broadcast ack). */
    static byte[] encodeResponse(ClusterMessage m) {
        Map<String, Object> r = new LinkedHashMap<>();
        switch (m.type()) {
            case FETCH_SOCKETS_RESPONSE -> {
                r.put("requestId", m.requestId());
                r.put("sockets", sockets(m.sockets()));
            }
            case ALL_ROOMS_RESPONSE -> {
                r.put("requestId", m.requestId());
                r.put("rooms", m.rooms());
            }
            case SERVER_SIDE_EMIT_RESPONSE -> {
                r.put("type", SERVER_SIDE_EMIT);
                r.put("requestId", m.requestId());
                r.put("data", m.reply());
            }
            case BROADCAST_CLIENT_COUNT -> {
                r.put("type", BROADCAST_CLIENT_COUNT);
                r.put("requestId", m.requestId());
                r.put("clientCount", m.clientCount());
            }
            case BROADCAST_ACK -> {
                r.put("type", BROADCAST_ACK);
                r.put("requestId", m.requestId());
                r.put("packet", m.reply());
                return msgpack(r);
            }
            default -> throw new IllegalArgumentException("not a response: " + m.type());
        }
        return json(r);
    }

    /** The sockets of a fetchSockets response: {@code [{id, handshake, rooms, data}]}. */
    static List<Map<String, Object>> sockets(List<? extends SocketDetails> list) {
        List<Map<String, Object>> sockets = new ArrayList<>();
        for (SocketDetails s : list) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", s.id());
            JsonNode handshake = s.handshakeJson();
            o.put("handshake", handshake == null ? JSON.createObjectNode() : handshake);
            o.put("rooms", s.rooms());
            o.put("data", s.data() == null ? Map.of() : s.data());
            sockets.add(o);
        }
        return sockets;
    }

    /** The sockets of a fetchSockets response; null when malformed (or the legacy list of ids). */
    static List<SocketDetails> decodeSockets(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<SocketDetails> sockets = new ArrayList<>();
        for (JsonNode s : array) {
            if (!s.isObject()) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> data = s.path("data").isObject()
                    ? JSON.convertValue(s.get("data"), Map.class) : Map.of();
            sockets.add(new RemoteSocketDetails(s.path("id").asText(), s.path("handshake"),
                    strings(s.get("rooms")), data));
        }
        return sockets;
    }

    static byte[] msgpack(Object value) {
        try {
            return MSGPACK.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode as msgpack: " + e.getMessage(), e);
        }
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode as JSON: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ decoding

    /** JSON when the first byte is '{', msgpack otherwise (as the Node adapter decides). */
    static JsonNode decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new IllegalArgumentException("empty message");
        }
        try {
            return payload[0] == '{' ? JSON.readTree(payload) : MSGPACK.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> strings(JsonNode array) {
        Set<String> s = new LinkedHashSet<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> s.add(n.asText()));
        }
        return s;
    }

    static List<Object> args(JsonNode array) {
        List<Object> list = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(list::add);
        }
        return list;
    }

    static BroadcastOptions options(JsonNode opts) {
        if (opts == null || !opts.isObject()) {
            return BroadcastOptions.all();
        }
        JsonNode f = opts.path("flags");
        Duration timeout = f.path("timeout").isNumber() ? Duration.ofMillis(f.path("timeout").asLong()) : null;
        BroadcastFlags flags = new BroadcastFlags(f.path("volatile").asBoolean(false),
                f.path("compress").asBoolean(true), false, false, timeout);
        return new BroadcastOptions(strings(opts.get("rooms")), strings(opts.get("except")), flags);
    }

    /**
     * A broadcast message {@code [uid, packet, opts]} for namespace {@code nsp}, or null when it is not for it (other
     * namespace, not an EVENT, malformed).
     */
    static ClusterMessage decodeBroadcast(byte[] payload, String nsp) {
        JsonNode msg = decode(payload);
        if (!msg.isArray() || msg.size() < 3) {
            return null;
        }
        JsonNode packet = msg.get(1);
        String packetNsp = packet.path("nsp").isTextual() ? packet.path("nsp").asText() : "/";
        if (!packetNsp.equals(nsp) || !packet.path("data").isArray() || packet.path("data").isEmpty()) {
            return null;
        }
        return ClusterMessage.broadcast(msg.get(0).asText(), args(packet.get("data")), options(msg.get(2)), null);
    }

    /** A request (the adapter handles the legacy forms itself); null when not understood. */
    static ClusterMessage decodeRequest(JsonNode r) {
        String uid = r.path("uid").isTextual() ? r.path("uid").asText() : null;
        String requestId = r.path("requestId").isTextual() ? r.path("requestId").asText() : null;
        switch (r.path("type").asInt(-1)) {
            case ALL_ROOMS:
                return requestId == null ? null : ClusterMessage.allRooms(uid, requestId);
            case REMOTE_JOIN:
            case REMOTE_LEAVE:
                if (!r.has("opts")) {
                    return null;
                }
                return ClusterMessage.socketsJoinLeave(uid, r.path("type").asInt() == REMOTE_JOIN,
                        options(r.get("opts")), strings(r.get("rooms")));
            case REMOTE_DISCONNECT:
                if (!r.has("opts")) {
                    return null;
                }
                return ClusterMessage.disconnectSockets(uid, options(r.get("opts")), r.path("close").asBoolean());
            case REMOTE_FETCH:
                return requestId == null ? null : ClusterMessage.fetchSockets(uid, requestId, options(r.get("opts")));
            case SERVER_SIDE_EMIT:
                return ClusterMessage.serverSideEmit(uid, requestId, args(r.get("data")));
            case BROADCAST:
                if (requestId == null) {
                    return null;
                }
                return ClusterMessage.broadcast(uid, args(r.path("packet").get("data")), options(r.get("opts")),
                        requestId);
            default:
                return null;
        }
    }

    /** A response; null when not understood (e.g. the legacy {@code {requestId}} acknowledgements). */
    static ClusterMessage decodeResponse(JsonNode r) {
        String requestId = r.path("requestId").isTextual() ? r.path("requestId").asText() : null;
        if (requestId == null) {
            return null;
        }
        int type = r.path("type").asInt(-1);
        if (type == BROADCAST_CLIENT_COUNT) {
            return ClusterMessage.clientCount(null, requestId, r.path("clientCount").asInt());
        }
        if (type == BROADCAST_ACK) {
            return ClusterMessage.broadcastAck(null, requestId, r.has("packet") ? r.get("packet") : NullNode.instance);
        }
        if (type == SERVER_SIDE_EMIT) {
            return ClusterMessage.serverSideEmitResponse(null, requestId,
                    r.has("data") ? r.get("data") : NullNode.instance);
        }
        if (r.path("sockets").isArray()) {
            // null for the legacy SOCKETS response (ids only): never asked by Duplex
            List<SocketDetails> sockets = decodeSockets(r.get("sockets"));
            return sockets == null ? null : ClusterMessage.fetchSocketsResponse(null, requestId, sockets);
        }
        if (r.path("rooms").isArray()) {
            return ClusterMessage.allRoomsResponse(null, requestId, strings(r.get("rooms")));
        }
        return null;
    }
}
