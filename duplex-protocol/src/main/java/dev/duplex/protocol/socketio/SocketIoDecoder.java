package dev.duplex.protocol.socketio;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes Socket.IO v5 packet strings and their binary attachments, with the validation of socket.io-parser's
 * {@code Decoder}. Stateful (a binary packet waits for its attachments): one instance per connection, not
 * thread-safe. After a {@link SocketProtocolException} the decoder is reset; the connection should be closed.
 *
 * <p>Accepted: {@code <type>[<n>-][<nsp>,][<id>][<json>]}. Rejected: an unknown type, a binary packet whose
 * attachment count is not a number followed by {@code '-'}, is 0 or is above {@code maxAttachments}, an ack id that
 * does not fit a non-negative {@code int}, JSON that is invalid or followed by anything, a payload not allowed
 * for the type (CONNECT: object or absent; DISCONNECT: absent; CONNECT_ERROR: object or string; EVENT: a
 * non-empty array whose first element is a number or a non-reserved string; ACK: an array, with an ack id), a
 * placeholder whose {@code num} is not an attachment index, a text packet while attachments are awaited, and an
 * attachment when none is awaited.
 */
public final class SocketIoDecoder implements PacketDecoder {
    /** Default maximum number of attachments of one binary packet, as in socket.io-parser. */
    public static final int DEFAULT_MAX_ATTACHMENTS = 10;

    private static final CachedReader DEFAULT_READER = reader(new ObjectMapper());

    private final ObjectReader reader;
    /** The reader of plain flat arrays for {@link #reader}, or null when its trees differ (see FlatArrayReader). */
    private final FlatArrayReader flat;
    private final int maxAttachments;

    private Pending pending;

    /** A decoder with a default Jackson {@link ObjectMapper} and at most 10 attachments per packet. */
    public SocketIoDecoder() {
        this.reader = DEFAULT_READER.reader();
        this.flat = DEFAULT_READER.flat();
        this.maxAttachments = DEFAULT_MAX_ATTACHMENTS;
    }

    /** A decoder parsing JSON with {@code mapper} and allowing at most {@code maxAttachments} per packet. */
    public SocketIoDecoder(ObjectMapper mapper, int maxAttachments) {
        if (maxAttachments < 0) {
            throw new IllegalArgumentException("maxAttachments < 0: " + maxAttachments);
        }
        CachedReader cached = reader(Objects.requireNonNull(mapper, "mapper"));
        this.reader = cached.reader();
        this.flat = cached.flat();
        this.maxAttachments = maxAttachments;
    }

    /** The reader of the last mapper given (a server's decoders all share its mapper). */
    private static volatile CachedReader lastReader;

    private record CachedReader(ObjectMapper mapper, DeserializationConfig config, ObjectReader reader,
                                FlatArrayReader flat) {
    }

    /**
     * The reader for {@code mapper}: an {@link ObjectReader} is immutable and thread-safe, so the decoders of one
     * mapper (one per connection) share one rather than each holding its own reader and configuration. A mapper
     * reconfigured since gets a new one (its configuration is a new object).
     */
    private static CachedReader reader(ObjectMapper mapper) {
        CachedReader cached = lastReader;
        DeserializationConfig config = mapper.getDeserializationConfig();
        if (cached != null && cached.mapper() == mapper && cached.config() == config) {
            return cached;
        }
        ObjectReader reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        cached = new CachedReader(mapper, config, reader, FlatArrayReader.forReader(reader));
        lastReader = cached;
        return cached;
    }

    /**
     * Decodes one packet string (without the Engine.IO {@code '4'}).
     *
     * @return the packet, or {@code null} when it is a binary packet waiting for attachments
     *     ({@link #addAttachment(byte[])} returns it when they have arrived)
     * @throws SocketProtocolException if the string is not a valid packet, or attachments are awaited
     */
    @Override
    public SocketPacket decode(String text) throws SocketProtocolException {
        if (pending != null) {
            pending = null;
            throw new SocketProtocolException("got plaintext data when reconstructing a packet");
        }
        Objects.requireNonNull(text, "text");
        int len = text.length();
        if (len == 0) {
            throw new SocketProtocolException("empty packet");
        }
        SocketPacketType type = SocketPacketType.fromCode(text.charAt(0));
        if (type == null) {
            throw new SocketProtocolException("unknown packet type " + text.charAt(0));
        }
        int i = 1;
        int attachments = 0;
        if (type.isBinary()) {
            int start = i;
            long n = 0;
            while (i < len && isDigit(text.charAt(i))) {
                if (n <= maxAttachments) {
                    n = n * 10 + (text.charAt(i) - '0');
                }
                i++;
            }
            if (i == start || i == len || text.charAt(i) != '-') {
                throw new SocketProtocolException("illegal attachments");
            }
            if (n < 1) {
                // socket.io-parser 4.2.7: a binary packet has at least one attachment
                throw new SocketProtocolException("illegal attachments");
            }
            if (n > maxAttachments) {
                throw new SocketProtocolException("too many attachments");
            }
            attachments = (int) n;
            i++;
        }
        String nsp = SocketPacket.DEFAULT_NAMESPACE;
        if (i < len && text.charAt(i) == '/') {
            int end = text.indexOf(',', i);
            if (end < 0) {
                end = len;
            }
            nsp = text.substring(i, end);
            i = end < len ? end + 1 : len;
        }
        Integer id = null;
        if (i < len && isDigit(text.charAt(i))) {
            long v = 0;
            while (i < len && isDigit(text.charAt(i))) {
                v = v * 10 + (text.charAt(i) - '0');
                if (v > Integer.MAX_VALUE) {
                    throw new SocketProtocolException("invalid ack id");
                }
                i++;
            }
            id = (int) v;
        }
        JsonNode data = null;
        if (i < len) {
            data = flat != null ? flat.read(text, i) : null;
            if (data == null) {
                data = readTree(text.substring(i));
            }
        }
        if (!isPayloadValid(type, id, data)) {
            throw new SocketProtocolException("invalid payload");
        }
        if (!type.isBinary()) {
            return SocketPacket.of(type, nsp, id, data);
        }
        SocketPacketType plain = type == SocketPacketType.BINARY_EVENT ? SocketPacketType.EVENT : SocketPacketType.ACK;
        pending = new Pending(plain, nsp, id, data, attachments);
        return null;
    }

    /** Reads {@code json} with the mapper's reader (anything {@link FlatArrayReader} leaves to it). */
    private JsonNode readTree(String json) throws SocketProtocolException {
        JsonNode data;
        try {
            data = reader.readTree(json);
        } catch (JacksonException | NumberFormatException e) {
            // NumberFormatException: e.g. a huge exponent read as a BigDecimal (USE_BIG_DECIMAL_FOR_FLOATS)
            throw new SocketProtocolException("invalid payload", e);
        }
        if (data == null || data.isMissingNode()) {
            throw new SocketProtocolException("invalid payload");
        }
        return data;
    }

    /**
     * Adds the next attachment of the binary packet being rebuilt.
     *
     * @return {@code null} while more attachments are awaited, the rebuilt packet when this was the last one
     * @throws SocketProtocolException if no binary packet is waiting, or a placeholder is invalid
     */
    public SocketPacket addAttachment(byte[] data) throws SocketProtocolException {
        Objects.requireNonNull(data, "data");
        Pending p = pending;
        if (p == null) {
            throw new SocketProtocolException("got binary data when not reconstructing a packet");
        }
        p.buffers.add(data);
        if (p.buffers.size() < p.expected) {
            return null;
        }
        pending = null;
        return p.rebuild();
    }

    /** {@inheritDoc} Same as {@link #addAttachment(byte[])}. */
    @Override
    public SocketPacket decode(byte[] data) throws SocketProtocolException {
        return addAttachment(data);
    }

    /** Whether a binary packet is waiting for attachments. */
    @Override
    public boolean isAwaitingAttachments() {
        return pending != null;
    }

    /** Forgets any binary packet being rebuilt. */
    @Override
    public void reset() {
        pending = null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isPayloadValid(SocketPacketType type, Integer id, JsonNode data) {
        switch (type) {
            case CONNECT:
                return data == null || data.isObject();
            case DISCONNECT:
                return data == null;
            case CONNECT_ERROR:
                return data != null && (data.isObject() || data.isTextual());
            case EVENT:
            case BINARY_EVENT:
                if (data == null || !data.isArray() || data.isEmpty()) {
                    return false;
                }
                JsonNode name = data.get(0);
                return name.isNumber() || name.isTextual() && !SocketIoParser.isReservedEventName(name.textValue());
            case ACK:
            case BINARY_ACK:
                return id != null && data != null && data.isArray();
            default:
                return false;
        }
    }

    private static final class Pending {
        final SocketPacketType type;
        final String nsp;
        final Integer id;
        final JsonNode data;
        final int expected;
        final List<byte[]> buffers;

        Pending(SocketPacketType type, String nsp, Integer id, JsonNode data, int expected) {
            this.type = type;
            this.nsp = nsp;
            this.id = id;
            this.data = data;
            this.expected = expected;
            this.buffers = new ArrayList<>(expected);
        }

        SocketPacket rebuild() throws SocketProtocolException {
            replace(data);
            return SocketPacket.of(type, nsp, id, data);
        }

        private void replace(JsonNode node) throws SocketProtocolException {
            if (node instanceof ArrayNode) {
                ArrayNode a = (ArrayNode) node;
                for (int k = 0, n = a.size(); k < n; k++) {
                    JsonNode child = a.get(k);
                    if (child.isContainerNode()) {
                        BinaryNode b = placeholder(child);
                        if (b != null) {
                            a.set(k, b);
                        } else {
                            replace(child);
                        }
                    }
                }
            } else if (node instanceof ObjectNode) {
                ObjectNode o = (ObjectNode) node;
                for (Map.Entry<String, JsonNode> e : o.properties()) {
                    JsonNode child = e.getValue();
                    if (child.isContainerNode()) {
                        BinaryNode b = placeholder(child);
                        if (b != null) {
                            o.replace(e.getKey(), b); // same key: not a structural change of the map
                        } else {
                            replace(child);
                        }
                    }
                }
            }
        }

        /** The attachment for a placeholder object, null if {@code node} is not one. */
        private BinaryNode placeholder(JsonNode node) throws SocketProtocolException {
            if (!node.isObject()) {
                return null;
            }
            JsonNode flag = node.get("_placeholder");
            if (flag == null || !flag.isBoolean() || !flag.booleanValue()) {
                return null;
            }
            JsonNode num = node.get("num");
            if (num == null || !num.isIntegralNumber() || !num.canConvertToInt()
                    || num.intValue() < 0 || num.intValue() >= buffers.size()) {
                throw new SocketProtocolException("illegal attachments");
            }
            return BinaryNode.valueOf(buffers.get(num.intValue()));
        }
    }
}
