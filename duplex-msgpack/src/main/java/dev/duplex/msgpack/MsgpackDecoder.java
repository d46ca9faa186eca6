package dev.duplex.msgpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.protocol.socketio.PacketDecoder;
import dev.duplex.protocol.socketio.SocketIoParser;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import dev.duplex.protocol.socketio.SocketProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Decodes the binary messages of socket.io-msgpack-parser (see {@link MsgpackParser} for what is rejected). Each
 * message is a whole packet, so the decoder keeps no state between messages.
 */
final class MsgpackDecoder implements PacketDecoder {
    static final int MAX_DEPTH = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** JavaScript's Date.prototype.toJSON. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** notepack.io's {@code undefined}: dropped from objects, {@code null} in arrays. */
    private static final Object UNDEFINED = new Object();

    @Override
    public SocketPacket decode(String text) throws SocketProtocolException {
        throw new SocketProtocolException("invalid packet: the msgpack parser expects binary messages");
    }

    @Override
    public SocketPacket decode(byte[] data) throws SocketProtocolException {
        JsonNode root;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(data)) {
            Object value = read(u, data.length, 0);
            if (u.hasNext()) {
                throw new SocketProtocolException("invalid packet: " + (data.length - u.getTotalReadBytes())
                        + " trailing bytes");
            }
            root = value instanceof JsonNode n ? n : null;
        } catch (SocketProtocolException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SocketProtocolException("invalid msgpack: " + e.getMessage(), e);
        }
        return check(root);
    }

    @Override
    public boolean isAwaitingAttachments() {
        return false;
    }

    @Override
    public void reset() {
        // no state
    }

    // ------------------------------------------------------------------ packet checks (checkPacket)

    private static SocketPacket check(JsonNode root) throws SocketProtocolException {
        if (root == null || !root.isObject()) {
            throw new SocketProtocolException("invalid packet type");
        }
        JsonNode typeNode = root.get("type");
        int code = isInteger(typeNode) ? typeNode.asInt() : -1;
        if (code < SocketPacketType.CONNECT.ordinal() || code > SocketPacketType.CONNECT_ERROR.ordinal()
                || !typeNode.canConvertToInt()) {
            throw new SocketProtocolException("invalid packet type");
        }
        SocketPacketType type = SocketPacketType.values()[code];
        JsonNode nsp = root.get("nsp");
        if (nsp == null || !nsp.isTextual()) {
            throw new SocketProtocolException("invalid namespace");
        }
        JsonNode data = root.get("data");
        if (!isDataValid(type, data)) {
            throw new SocketProtocolException("invalid payload");
        }
        JsonNode idNode = root.get("id");
        Integer id = null;
        if (idNode != null) {
            if (!isInteger(idNode) || !idNode.canConvertToInt() || idNode.asInt() < 0) {
                throw new SocketProtocolException("invalid packet id");
            }
            id = idNode.asInt();
        }
        if (type == SocketPacketType.ACK && id == null) {
            throw new SocketProtocolException("invalid packet id");
        }
        try {
            return SocketPacket.of(type, nsp.textValue(), id, data);
        } catch (IllegalArgumentException e) {
            throw new SocketProtocolException("invalid namespace", e);
        }
    }

    private static boolean isInteger(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return false;
        }
        if (n.isIntegralNumber()) {
            return true;
        }
        double d = n.doubleValue();
        return Double.isFinite(d) && Math.floor(d) == d;
    }

    private static boolean isDataValid(SocketPacketType type, JsonNode data) {
        switch (type) {
            case CONNECT:
                return data == null || data.isObject();
            case DISCONNECT:
                return data == null;
            case CONNECT_ERROR:
                return data != null && (data.isTextual() || data.isObject());
            case EVENT:
                if (data == null || !data.isArray() || data.isEmpty()) {
                    return false;
                }
                JsonNode name = data.get(0);
                return name.isNumber() || name.isTextual() && !SocketIoParser.isReservedEventName(name.textValue());
            default:
                return data != null && data.isArray();
        }
    }

    // ------------------------------------------------------------------ msgpack to JsonNode (notepack.io's decode)

    private static Object read(MessageUnpacker u, int size, int depth) throws IOException, SocketProtocolException {
        if (depth > MAX_DEPTH) {
            throw new SocketProtocolException("invalid packet: nested too deeply");
        }
        MessageFormat f = u.getNextFormat();
        switch (f.getValueType()) {
            case NIL:
                u.unpackNil();
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode(u.unpackBoolean());
            case INTEGER:
                if (f == MessageFormat.UINT64) {
                    return NODES.numberNode(u.unpackBigInteger());
                }
                long l = u.unpackLong();
                return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
            case FLOAT:
                return NODES.numberNode(u.unpackDouble());
            case STRING:
                return NODES.textNode(new String(payload(u, u.unpackRawStringHeader(), size),
                        StandardCharsets.UTF_8));
            case BINARY:
                return NODES.binaryNode(payload(u, u.unpackBinaryHeader(), size));
            case ARRAY: {
                int n = u.unpackArrayHeader();
                ArrayNode a = NODES.arrayNode();
                for (int i = 0; i < n; i++) {
                    Object v = read(u, size, depth + 1);
                    a.add(v == UNDEFINED ? NODES.nullNode() : (JsonNode) v);
                }
                return a;
            }
            case MAP: {
                int n = u.unpackMapHeader();
                ObjectNode o = NODES.objectNode();
                for (int i = 0; i < n; i++) {
                    Object k = read(u, size, depth + 1);
                    Object v = read(u, size, depth + 1);
                    if (k == UNDEFINED || !((JsonNode) k).isValueNode()) {
                        throw new SocketProtocolException("invalid packet: unsupported map key");
                    }
                    if (v != UNDEFINED) {
                        o.set(((JsonNode) k).asText(), (JsonNode) v);
                    }
                }
                return o;
            }
            case EXTENSION:
                return extension(u, f, size);
            default:
                throw new SocketProtocolException("invalid msgpack format " + f);
        }
    }

    private static Object extension(MessageUnpacker u, MessageFormat f, int size)
            throws IOException, SocketProtocolException {
        ExtensionTypeHeader h = u.unpackExtensionTypeHeader();
        byte[] bytes = payload(u, h.getLength(), size);
        if (h.getType() == 0) {
            switch (f) {
                case FIXEXT1:
                    return UNDEFINED;
                case FIXEXT8: {
                    long hi = ((bytes[0] & 0xffL) << 24 | (bytes[1] & 0xffL) << 16 | (bytes[2] & 0xffL) << 8
                            | (bytes[3] & 0xffL));
                    hi = (int) hi; // signed
                    long lo = (bytes[4] & 0xffL) << 24 | (bytes[5] & 0xffL) << 16 | (bytes[6] & 0xffL) << 8
                            | (bytes[7] & 0xffL);
                    return NODES.textNode(ISO.format(Instant.ofEpochMilli(hi * 4294967296L + lo)));
                }
                case EXT8:
                case EXT16:
                case EXT32:
                    return NODES.binaryNode(bytes); // an ArrayBuffer
                default:
                    break;
            }
        }
        ArrayNode pair = NODES.arrayNode(2);
        pair.add(h.getType());
        pair.add(NODES.binaryNode(bytes));
        return pair;
    }

    /** Reads {@code length} bytes, refusing a length beyond the message before allocating it. */
    private static byte[] payload(MessageUnpacker u, int length, int size) throws IOException, SocketProtocolException {
        if (length < 0 || length > size - u.getTotalReadBytes()) {
            throw new SocketProtocolException("invalid packet: truncated");
        }
        return u.readPayload(length);
    }
}
