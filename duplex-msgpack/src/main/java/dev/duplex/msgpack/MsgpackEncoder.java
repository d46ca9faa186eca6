package dev.duplex.msgpack;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.duplex.protocol.socketio.EncodedPacket;
import dev.duplex.protocol.socketio.PacketEncoder;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/** Encodes packets as socket.io-msgpack-parser does. Thread-safe. */
final class MsgpackEncoder implements PacketEncoder {
    private final ObjectWriter writer;

    MsgpackEncoder(ObjectMapper mapper) {
        ObjectMapper m = Objects.requireNonNull(mapper, "mapper").copyWith(new MessagePackFactory());
        SimpleModule binary = new SimpleModule("duplex-msgpack-binary");
        binary.addSerializer(ByteBuffer.class, new ByteBufferSerializer());
        m.registerModule(binary);
        this.writer = m.writer();
    }

    @Override
    public EncodedPacket encode(SocketPacket packet) {
        SocketPacketType type = packet.type();
        Object data = packet.data();
        int code;
        switch (type) {
            case BINARY_EVENT -> code = SocketPacketType.EVENT.ordinal();
            case BINARY_ACK -> code = SocketPacketType.ACK.ordinal();
            default -> code = type.ordinal();
        }
        if (type == SocketPacketType.DISCONNECT && data != null) {
            throw new IllegalArgumentException("a DISCONNECT packet carries no data");
        }
        boolean ack = code == SocketPacketType.ACK.ordinal();
        if (ack && packet.id() == null) {
            throw new IllegalArgumentException("an ACK packet needs an id");
        }
        // key order as socket.io writes its packets: {id, type, data, nsp} for an ack, {type, data, id, nsp} else
        Map<String, Object> map = new LinkedHashMap<>(8);
        if (ack) {
            map.put("id", packet.id());
        }
        map.put("type", code);
        if (data != null) {
            map.put("data", data);
        }
        if (!ack && packet.id() != null) {
            map.put("id", packet.id());
        }
        map.put("nsp", packet.namespace());
        try {
            return EncodedPacket.binary(writer.writeValueAsBytes(map));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode the packet data: " + e.getOriginalMessage(), e);
        }
    }

    /** The remaining bytes of a ByteBuffer (heap or direct) as msgpack bin, the buffer left unchanged. */
    private static final class ByteBufferSerializer extends StdSerializer<ByteBuffer> {
        private static final long serialVersionUID = 1L;

        ByteBufferSerializer() {
            super(ByteBuffer.class);
        }

        @Override
        public void serialize(ByteBuffer value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            ByteBuffer b = value.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            gen.writeBinary(bytes);
        }
    }
}
