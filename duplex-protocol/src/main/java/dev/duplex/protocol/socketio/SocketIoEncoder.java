package dev.duplex.protocol.socketio;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.Objects;

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
public final class SocketIoEncoder {
    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();

    private final ObjectWriter writer;

    /** An encoder with a default Jackson {@link ObjectMapper}. */
    public SocketIoEncoder() {
        this(DEFAULT_MAPPER);
    }

    /**
     * An encoder serializing with a copy of {@code mapper} (its configuration and modules are kept; the mapper
     * passed in is not changed).
     */
    public SocketIoEncoder(ObjectMapper mapper) {
        ObjectMapper m = Objects.requireNonNull(mapper, "mapper").copy();
        m.registerModule(BinarySerializers.module());
        m.setSerializerProvider(new BinarySerializers.Provider());
        // compact, and control characters escaped as JSON.stringify does (\u001f, lower-case hex)
        this.writer = m.writer().without(SerializationFeature.INDENT_OUTPUT)
                .without(JsonWriteFeature.WRITE_HEX_UPPER_CASE);
    }

    /**
     * Encodes one packet.
     *
     * @throws IllegalArgumentException if the packet cannot be encoded: data Jackson cannot serialize, binary
     *     data in a packet other than EVENT/ACK, an ACK without id, or data in a DISCONNECT
     */
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
        StringBuilder sb = new StringBuilder(writeNsp ? 128 + nsp.length() : 128);
        sb.append(type.code());
        if (writeNsp) {
            sb.append(nsp).append(',');
        }
        if (packet.id() != null) {
            sb.append(packet.id().intValue());
        }
        BinarySerializers.Attachments attachments = null;
        if (data != null) {
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
}
