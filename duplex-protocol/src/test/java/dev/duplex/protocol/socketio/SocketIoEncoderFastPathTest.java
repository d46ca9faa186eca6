package dev.duplex.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written writer for plain argument lists produces exactly Jackson's bytes, else Jackson is used. */
class SocketIoEncoderFastPathTest {
    private final SocketIoEncoder fast = new SocketIoEncoder(new ObjectMapper(), true);
    private final SocketIoEncoder jackson = new SocketIoEncoder(new ObjectMapper(), false);

    private void same(SocketPacket p) {
        assertThat(fast.encode(p).text()).isEqualTo(jackson.encode(p).text());
    }

    @Test
    void onByDefault() {
        assertThat(fast.fastPath()).isTrue();
        assertThat(new SocketIoEncoder().fastPath()).isTrue();
        assertThat(jackson.fastPath()).isFalse();
    }

    @Test
    void trickyStringsAreWrittenAsJacksonDoes() {
        List<String> tricky = new ArrayList<>();
        for (char c = 0; c < 0x80; c++) {
            tricky.add("a" + c + "b");
        }
        tricky.addAll(List.of("", "\"", "\\", "\\\"", "/", "</script>", "\u2028\u2029", "\u0085", "é", "😀",
                "\ud83d", "\ude00", "x\ud800y", "\udc00\ud800", "\uffff\ufffe", "\u0000\u001f\u007f", "tab\there"));
        for (String s : tricky) {
            same(SocketPacket.event("/", List.of("e", s), null));
            same(SocketPacket.ack("/", 1, Arrays.asList(s, TextNode.valueOf(s))));
        }
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            char[] cs = new char[random.nextInt(12)];
            for (int j = 0; j < cs.length; j++) {
                int kind = random.nextInt(4);
                cs[j] = (char) (kind == 0 ? random.nextInt(0x30) : kind == 1 ? 0xd7f0 + random.nextInt(0x30)
                        : kind == 2 ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            same(SocketPacket.event("/chat", List.of("e", new String(cs)), 7));
        }
    }

    @Test
    void scalarsAndNodes() {
        same(SocketPacket.event("/", Arrays.asList("e", 0, -1, Integer.MAX_VALUE, Long.MIN_VALUE, (short) -3,
                (byte) 9, true, false, null, NullNode.instance, BooleanNode.FALSE, IntNode.valueOf(-7),
                LongNode.valueOf(1L << 40)), null));
        same(SocketPacket.ack("/", 3, Collections.singletonList(null)));
        same(SocketPacket.ack("/", 3, List.of()));
        assertThat(fast.encode(SocketPacket.ack("/", 12, Arrays.asList("x\n", 1, null))).text())
                .isEqualTo("312[\"x\\n\",1,null]");
    }

    @Test
    void anythingElseGoesThroughJackson() {
        List<Object> args = Arrays.asList("e", 1.5, 2.0f, new java.math.BigDecimal("1e400"), List.of("n"),
                java.util.Map.of("k", "v"), new byte[] {1});
        EncodedPacket f = fast.encode(SocketPacket.event("/", args, null));
        EncodedPacket j = jackson.encode(SocketPacket.event("/", args, null));
        assertThat(f.text()).isEqualTo(j.text()).startsWith("51-[\"e\",1.5,2.0,");
        assertThat(f.attachments()).hasSize(1);
    }

    @Test
    void offWhenTheMapperWritesDifferently() {
        ObjectMapper escaping = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        SocketIoEncoder e = new SocketIoEncoder(escaping);
        assertThat(e.fastPath()).isFalse();
        assertThat(e.encode(SocketPacket.event("/", List.of("e", "é"), null)).text()).isEqualTo("2[\"e\",\"\\u00e9\"]");

        ObjectMapper custom = new ObjectMapper().registerModule(new SimpleModule().addSerializer(
                new StdSerializer<>(String.class) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public void serialize(String value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                        gen.writeString(value.toUpperCase(java.util.Locale.ROOT));
                    }
                }));
        SocketIoEncoder upper = new SocketIoEncoder(custom);
        assertThat(upper.fastPath()).isFalse();
        assertThat(upper.encode(SocketPacket.event("/", List.of("e", "abc"), null)).text()).isEqualTo("2[\"E\",\"ABC\"]");
    }

    @Test
    void connectRepliesAreWrittenAsJacksonDoes() {
        java.util.Map<String, String> reply = new java.util.LinkedHashMap<>();
        reply.put("sid", "Abc-_09xyzABC-_09xyzAB");
        same(SocketPacket.connect("/", reply));
        reply.put("pid", "p\"\n\u2028\u0001");
        same(SocketPacket.connect("/admin", reply));
        same(SocketPacket.connect("/", java.util.Map.of("a\\", "")));
        assertThat(fast.encode(SocketPacket.connect("/", java.util.Map.of("sid", "x"))).text())
                .isEqualTo("0{\"sid\":\"x\"}");
        // not only strings: Jackson
        java.util.Map<String, Object> mixed = new java.util.LinkedHashMap<>();
        mixed.put("sid", "x");
        mixed.put("n", 1.5);
        same(SocketPacket.connect("/", mixed));
    }

    @Test
    void mapsGoThroughJacksonWhenTheMapperSortsOrDropsEntries() {
        java.util.Map<String, String> reply = new java.util.LinkedHashMap<>();
        reply.put("sid", "s");
        reply.put("pid", "");
        ObjectMapper sorting = JsonMapper.builder()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
        SocketIoEncoder sorted = new SocketIoEncoder(sorting);
        assertThat(sorted.fastPath()).isFalse();
        assertThat(sorted.encode(SocketPacket.connect("/", reply)).text()).isEqualTo("0{\"pid\":\"\",\"sid\":\"s\"}");
        ObjectMapper nonEmpty = new ObjectMapper().setDefaultPropertyInclusion(
                com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                        com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY,
                        com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY));
        // whatever Jackson makes of it with this configuration, the encoder writes the same
        assertThat(new SocketIoEncoder(nonEmpty).encode(SocketPacket.connect("/", reply)).text())
                .isEqualTo(new SocketIoEncoder(nonEmpty, false).encode(SocketPacket.connect("/", reply)).text());
    }

    @Test
    void anAckIsEncodedIntoTheThreadsOwnBuilder() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        SocketPacket ack = SocketPacket.ack("/", 1234, Arrays.asList((Object) "duplex-bench-0123456789abcdefghi"));
        for (int i = 0; i < 20_000; i++) {
            fast.encode(ack);
        }
        int n = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            fast.encode(ack);
        }
        long perEncode = (threads.getCurrentThreadAllocatedBytes() - before) / n;
        // the text (a String and its bytes) and the packet: about 100 bytes; with a new builder per packet about 280
        assertThat(perEncode).as("bytes allocated per encode").isLessThan(180);
    }

    @Test
    void aSerializerThatEncodesWhileEncodingGetsItsOwnBuilder() {
        ObjectMapper mapper = new ObjectMapper();
        SocketIoEncoder[] self = new SocketIoEncoder[1];
        SimpleModule module = new SimpleModule();
        module.addSerializer(new StdSerializer<Nested>(Nested.class) {
            @Override
            public void serialize(Nested value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(self[0].encode(SocketPacket.event("/", List.of("inner", value.text), null)).text());
            }
        });
        mapper.registerModule(module);
        self[0] = new SocketIoEncoder(mapper, true);
        String text = self[0].encode(SocketPacket.event("/", List.of("outer", new Nested("x")), 7)).text();
        assertThat(text).isEqualTo("27[\"outer\",\"2[\\\"inner\\\",\\\"x\\\"]\"]");
    }

    private record Nested(String text) {
    }
}
