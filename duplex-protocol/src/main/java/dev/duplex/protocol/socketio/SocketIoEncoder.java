package dev.duplex.protocol.socketio;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Encodes {@link SocketPacket}s into Socket.IO v5 packet strings plus binary attachments, as socket.io-parser's
 * {@code Encoder} does. Thread-safe and reusable: one instance can serve a whole server.
 *
 * <p>The data is serialized straight with Jackson, compact, keys in insertion order, non-ASCII characters
 * written as themselves. {@code byte[]}, {@link java.nio.ByteBuffer} (its remaining bytes) and {@code BinaryNode}
 * values anywhere in the data are replaced depth-first by {@code {"_placeholder":true,"num":i}} and returned as
 * attachments; an EVENT or ACK that has any becomes a BINARY_EVENT ({@code 5<n>-...}) or BINARY_ACK
 * ({@code 6<n>-...}), and a BINARY_EVENT/BINARY_ACK without binary data is sent as a plain EVENT/ACK.
 * {@code byte[]} attachments are not copied.
 */
public final class SocketIoEncoder implements PacketEncoder {
    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Strings and values whose Jackson form the fast path must reproduce exactly for it to be used. */
    private static final List<Object> PROBE = Arrays.asList("\"\\/\u0000\u0001\b\t\n\u000b\f\r\u001f \u007f",
            "\u0080\u00e9\u2028\u2029\ud83d\ude00\ud800x\udc00\uffff", "", 0, -1, Integer.MIN_VALUE,
            Long.MAX_VALUE, (short) 7, (byte) -8, true, false, null, TextNode.valueOf("t\"\n"), IntNode.valueOf(3),
            LongNode.valueOf(-4L), ShortNode.valueOf((short) 5), BooleanNode.TRUE, NullNode.instance);
    /** A map of strings (keys out of order, escapes, an empty value) the map fast path must write as Jackson does. */
    private static final Map<String, String> MAP_PROBE = probeMap();

    private static Map<String, String> probeMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sid", "\"\\/\u0000\u001f\u007f\u2028\ud83d\ude00");
        m.put("a\n\"", "");
        m.put("pid", "x");
        return m;
    }

    private final ObjectWriter writer;
    /** Whether lists of plain strings, integers, booleans and nulls are written by hand (same bytes as Jackson). */
    private final boolean fastPath;

    /** An encoder with a default Jackson {@link ObjectMapper}. */
    public SocketIoEncoder() {
        this(DEFAULT_MAPPER);
    }

    /**
     * An encoder serializing with a copy of {@code mapper} (its configuration and modules are kept; the mapper
     * passed in is not changed).
     */
    public SocketIoEncoder(ObjectMapper mapper) {
        this(mapper, true);
    }

    /** {@code fastPath}: allow the hand-written writer for plain lists (tests compare both). */
    SocketIoEncoder(ObjectMapper mapper, boolean fastPath) {
        ObjectMapper m = Objects.requireNonNull(mapper, "mapper").copy();
        m.registerModule(BinarySerializers.module());
        m.setSerializerProvider(new BinarySerializers.Provider());
        // compact, and control characters escaped as JSON.stringify does (\u001f, lower-case hex)
        this.writer = m.writer().without(SerializationFeature.INDENT_OUTPUT)
                .without(JsonWriteFeature.WRITE_HEX_UPPER_CASE);
        this.fastPath = fastPath && sameAsJackson();
    }

    /** True when the mapper's configuration writes the probe exactly as the fast path does. */
    private boolean sameAsJackson() {
        try {
            StringBuilder jackson = new StringBuilder();
            writer.writeValue(new BinarySerializers.PacketWriter(jackson), PROBE);
            StringBuilder fast = new StringBuilder();
            if (!writeSimpleList(fast, PROBE) || !jackson.toString().contentEquals(fast)) {
                return false;
            }
            jackson.setLength(0);
            fast.setLength(0);
            writer.writeValue(new BinarySerializers.PacketWriter(jackson), MAP_PROBE);
            return writeStringMap(fast, MAP_PROBE) && jackson.toString().contentEquals(fast);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the fast path is on (package-private, for tests). */
    boolean fastPath() {
        return fastPath;
    }

    /**
     * Encodes one packet.
     *
     * @throws IllegalArgumentException if the packet cannot be encoded: data Jackson cannot serialize, binary
     *     data in a packet other than EVENT/ACK, an ACK without id, or data in a DISCONNECT
     */
    @Override
    public EncodedPacket encode(SocketPacket packet) {
        SocketPacketType type = packet.type();
        Object data = packet.data();
        if (type == SocketPacketType.DISCONNECT && data != null) {
            throw new IllegalArgumentException("a DISCONNECT packet carries no data");
        }
        if ((type == SocketPacketType.ACK || type == SocketPacketType.BINARY_ACK) && packet.id() == null) {
            throw new IllegalArgumentException("an ACK packet needs an ack id");
        }
        String nsp = packet.namespace();
        boolean writeNsp = !SocketPacket.DEFAULT_NAMESPACE.equals(nsp);
        Scratch scratch = SCRATCH.get();
        if (scratch.busy) {
            // encode called again while this thread encodes (a serializer that encodes): a builder of its own
            return encode(packet, type, data, nsp, writeNsp, new StringBuilder(128));
        }
        scratch.busy = true;
        try {
            StringBuilder sb = scratch.builder;
            sb.setLength(0);
            return encode(packet, type, data, nsp, writeNsp, sb);
        } finally {
            if (scratch.builder.capacity() > Scratch.MAX_KEPT) {
                scratch.builder = new StringBuilder(Scratch.INITIAL);
            }
            scratch.busy = false;
        }
    }

    /** Encodes {@code packet} into {@code sb} (empty) and returns it as a packet. */
    private EncodedPacket encode(SocketPacket packet, SocketPacketType type, Object data, String nsp,
                                 boolean writeNsp, StringBuilder sb) {
        sb.append(type.code());
        if (writeNsp) {
            sb.append(nsp).append(',');
        }
        if (packet.id() != null) {
            sb.append(packet.id().intValue());
        }
        BinarySerializers.Attachments attachments = null;
        if (data != null && !(fastPath && (writeSimpleList(sb, data) || writeStringMap(sb, data)))) {
            BinarySerializers.PacketWriter out = new BinarySerializers.PacketWriter(sb);
            try {
                writer.writeValue(out, data);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot serialize the data of " + type + ": " + e.getMessage(), e);
            }
            attachments = out.attachments;
        }
        int count = attachments == null ? 0 : attachments.size();
        if (type == SocketPacketType.EVENT || type == SocketPacketType.BINARY_EVENT) {
            type = count > 0 ? SocketPacketType.BINARY_EVENT : SocketPacketType.EVENT;
        } else if (type == SocketPacketType.ACK || type == SocketPacketType.BINARY_ACK) {
            type = count > 0 ? SocketPacketType.BINARY_ACK : SocketPacketType.ACK;
        } else if (count > 0) {
            throw new IllegalArgumentException("binary data is only allowed in EVENT and ACK packets, not " + type);
        }
        sb.setCharAt(0, type.code());
        if (count > 0) {
            sb.insert(1, '-').insert(1, count);
        }
        return new EncodedPacket(sb.toString(), count == 0 ? null : attachments.list());
    }

    /**
     * Each thread's text builder, reused from packet to packet (a new 128-byte builder per packet was half of what
     * the encoder allocated for a small ack); a builder grown past {@link #MAX_KEPT} is not kept.
     */
    private static final class Scratch {
        static final int INITIAL = 256;
        static final int MAX_KEPT = 16 * 1024;
        StringBuilder builder = new StringBuilder(INITIAL);
        boolean busy;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Writes {@code data} as JSON when it is a list of nothing but strings, integral numbers, booleans and nulls
     * (or the equivalent Jackson nodes), in one pass and without Jackson; returns false, having written nothing,
     * for anything else.
     */
    static boolean writeSimpleList(StringBuilder sb, Object data) {
        if (!(data instanceof List<?> list) || !(data instanceof RandomAccess)) {
            return false;
        }
        int n = list.size();
        for (int i = 0; i < n; i++) {
            if (!simple(list.get(i))) {
                return false;
            }
        }
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object o = list.get(i);
            if (o == null || o instanceof NullNode) {
                sb.append("null");
            } else if (o instanceof String str) {
                writeString(sb, str);
            } else if (o instanceof TextNode t) {
                writeString(sb, t.textValue());
            } else if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
                sb.append(((Number) o).longValue());
            } else if (o instanceof Boolean b) {
                sb.append(b.booleanValue());
            } else if (o instanceof BooleanNode b) {
                sb.append(b.booleanValue());
            } else {
                sb.append(((com.fasterxml.jackson.databind.JsonNode) o).longValue());
            }
        }
        sb.append(']');
        return true;
    }

    /**
     * Writes {@code data} as a JSON object when it is a map of strings to strings (a CONNECT packet's
     * {@code {"sid":...,"pid":...}}), in iteration order, without Jackson; returns false, having written nothing,
     * for anything else. The CONNECT of every handshake went through Jackson's serializers before.
     */
    static boolean writeStringMap(StringBuilder sb, Object data) {
        if (!(data instanceof Map<?, ?> map) || map.size() > 8) {
            return false;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
                return false;
            }
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            writeString(sb, (String) e.getKey());
            sb.append(':');
            writeString(sb, (String) e.getValue());
        }
        sb.append('}');
        return true;
    }

    private static boolean simple(Object o) {
        return o == null || o instanceof String || o instanceof TextNode || o instanceof Integer || o instanceof Long
                || o instanceof Boolean || o instanceof NullNode || o instanceof BooleanNode || o instanceof IntNode
                || o instanceof LongNode || o instanceof Short || o instanceof Byte || o instanceof ShortNode;
    }

    /**
     * A JSON string as Jackson writes it to a {@code Writer} with this encoder's settings (and as JSON.stringify
     * does for well-formed text): quote, backslash and the C0 controls escaped ({@code \b \t \n \f \r}, else
     * a six-character {@code u00xx} escape in lower case), everything else, U+2028/2029 and lone surrogates included, as it is.
     */
    static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        int start = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, start, i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
            start = i + 1;
        }
        sb.append(s, start, n).append('"');
    }
}
