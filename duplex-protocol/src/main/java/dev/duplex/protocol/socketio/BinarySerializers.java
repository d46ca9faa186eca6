package dev.duplex.protocol.socketio;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CacheProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.ser.DefaultSerializerProvider;
import com.fasterxml.jackson.databind.ser.SerializerFactory;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jackson serializers that write binary values as {@code {"_placeholder":true,"num":i}} and collect the bytes in
 * the per-call {@link Attachments} found in the serializer attribute {@link #ATTACHMENTS}. {@link Provider} sets
 * that attribute at the start of each call from the {@link PacketWriter} the JSON is written to, so no per-call
 * ObjectWriter has to be made.
 */
final class BinarySerializers {
    /** Attribute key of the per-call {@link Attachments}. */
    static final Object ATTACHMENTS = new Object();

    private BinarySerializers() {
    }

    /** The attachments collected while one packet is serialized, in depth-first order. */
    static final class Attachments {
        private List<byte[]> list;

        int add(byte[] data) {
            if (list == null) {
                list = new ArrayList<>(2);
            }
            list.add(data);
            return list.size() - 1;
        }

        List<byte[]> list() {
            return list == null ? List.of() : list;
        }

        int size() {
            return list == null ? 0 : list.size();
        }
    }

    /** The writer SocketIoEncoder serializes into: the packet's StringBuilder plus its attachments. */
    static final class PacketWriter extends Writer {
        final StringBuilder sb;
        final Attachments attachments = new Attachments();

        PacketWriter(StringBuilder sb) {
            this.sb = sb;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            sb.append(str, off, off + len);
        }

        @Override
        public void write(int c) {
            sb.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** A serializer provider that exposes the attachments of the PacketWriter being written to as an attribute. */
    static final class Provider extends DefaultSerializerProvider {
        private static final long serialVersionUID = 1L;

        Provider() {
        }

        private Provider(Provider src) {
            super(src);
        }

        private Provider(SerializerProvider src, SerializationConfig config, SerializerFactory f) {
            super(src, config, f);
        }

        private Provider(Provider src, CacheProvider caches) {
            super(src, caches);
        }

        @Override
        public DefaultSerializerProvider withCaches(CacheProvider caches) {
            return new Provider(this, caches);
        }

        @Override
        public DefaultSerializerProvider copy() {
            return new Provider(this);
        }

        @Override
        public DefaultSerializerProvider createInstance(SerializationConfig config, SerializerFactory jsf) {
            return new Provider(this, config, jsf);
        }

        private void bind(JsonGenerator gen) {
            Object target = gen.getOutputTarget();
            if (target instanceof PacketWriter) {
                setAttribute(ATTACHMENTS, ((PacketWriter) target).attachments);
            }
        }

        @Override
        public void serializeValue(JsonGenerator gen, Object value) throws IOException {
            bind(gen);
            super.serializeValue(gen, value);
        }

        @Override
        public void serializeValue(JsonGenerator gen, Object value, JavaType rootType) throws IOException {
            bind(gen);
            super.serializeValue(gen, value, rootType);
        }

        @Override
        public void serializeValue(JsonGenerator gen, Object value, JavaType rootType, JsonSerializer<Object> ser)
                throws IOException {
            bind(gen);
            super.serializeValue(gen, value, rootType, ser);
        }
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("duplex-socketio-binary");
        m.addSerializer(byte[].class, new BytesSerializer());
        m.addSerializer(ByteBuffer.class, new ByteBufferSerializer());
        m.addSerializer(JsonNode.class, new TreeSerializer());
        return m;
    }

    static void writePlaceholder(byte[] data, JsonGenerator gen, SerializerProvider provider) throws IOException {
        Object a = provider.getAttribute(ATTACHMENTS);
        if (!(a instanceof Attachments)) {
            // Used outside SocketIoEncoder: plain Jackson behaviour.
            gen.writeBinary(data);
            return;
        }
        int num = ((Attachments) a).add(data);
        gen.writeStartObject();
        gen.writeBooleanField("_placeholder", true);
        gen.writeNumberField("num", num);
        gen.writeEndObject();
    }

    static final class BytesSerializer extends StdSerializer<byte[]> {
        private static final long serialVersionUID = 1L;

        BytesSerializer() {
            super(byte[].class);
        }

        @Override
        public void serialize(byte[] value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            writePlaceholder(value, gen, provider);
        }

        @Override
        public void serializeWithType(byte[] value, JsonGenerator gen, SerializerProvider provider,
                TypeSerializer typeSer) throws IOException {
            serialize(value, gen, provider);
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, byte[] value) {
            return value.length == 0;
        }
    }

    static final class ByteBufferSerializer extends StdSerializer<ByteBuffer> {
        private static final long serialVersionUID = 1L;

        ByteBufferSerializer() {
            super(ByteBuffer.class);
        }

        @Override
        public void serialize(ByteBuffer value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            ByteBuffer b = value.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            writePlaceholder(bytes, gen, provider);
        }

        @Override
        public void serializeWithType(ByteBuffer value, JsonGenerator gen, SerializerProvider provider,
                TypeSerializer typeSer) throws IOException {
            serialize(value, gen, provider);
        }
    }

    /** Writes a JsonNode tree itself so that nested BinaryNodes (and byte[] in POJONodes) become placeholders. */
    static final class TreeSerializer extends StdSerializer<JsonNode> {
        private static final long serialVersionUID = 1L;

        TreeSerializer() {
            super(JsonNode.class);
        }

        @Override
        public void serialize(JsonNode node, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (node instanceof ObjectNode) {
                gen.writeStartObject(node);
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    gen.writeFieldName(e.getKey());
                    serialize(e.getValue(), gen, provider);
                }
                gen.writeEndObject();
            } else if (node instanceof ArrayNode) {
                gen.writeStartArray(node, node.size());
                for (JsonNode child : node) {
                    serialize(child, gen, provider);
                }
                gen.writeEndArray();
            } else if (node instanceof BinaryNode) {
                writePlaceholder(node.binaryValue(), gen, provider);
            } else if (node instanceof POJONode) {
                provider.defaultSerializeValue(((POJONode) node).getPojo(), gen);
            } else if (node == null || node.isMissingNode()) {
                gen.writeNull();
            } else {
                ((JsonSerializable) node).serialize(gen, provider);
            }
        }

        @Override
        public void serializeWithType(JsonNode node, JsonGenerator gen, SerializerProvider provider,
                TypeSerializer typeSer) throws IOException {
            serialize(node, gen, provider);
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, JsonNode value) {
            return value.isEmpty();
        }
    }
}
