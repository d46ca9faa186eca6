package dev.duplex.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SocketIoEncoderTest {
    private static final String PH0 = "{\"_placeholder\":true,\"num\":0}";
    private static final String PH1 = "{\"_placeholder\":true,\"num\":1}";
    private static final String PH2 = "{\"_placeholder\":true,\"num\":2}";
    private static final String PH3 = "{\"_placeholder\":true,\"num\":3}";

    private final SocketIoEncoder encoder = new SocketIoEncoder();

    /** The string as it appears in an Engine.IO message frame ("4" + packet). */
    private String wire(SocketPacket p) {
        EncodedPacket e = encoder.encode(p);
        assertThat(e.attachments()).isEmpty();
        return "4" + e.text();
    }

    @Test
    void eventInMainNamespace() {
        assertThat(wire(SocketPacket.event("/", List.of("hello", "world"), null))).isEqualTo("42[\"hello\",\"world\"]");
        assertThat(wire(SocketPacket.event(null, List.of("hello"), null))).isEqualTo("42[\"hello\"]");
    }

    @Test
    void eventWithNamespaceAndAckId() {
        assertThat(wire(SocketPacket.event("/custom", List.of("a", 1), 17))).isEqualTo("42/custom,17[\"a\",1]");
        assertThat(wire(SocketPacket.event("/", List.of("a"), 0))).isEqualTo("420[\"a\"]");
    }

    @Test
    void ackInEveryNamespaceForm() {
        assertThat(wire(SocketPacket.ack("/admin", 5, List.of()))).isEqualTo("43/admin,5[]");
        assertThat(wire(SocketPacket.ack("/", 5, null))).isEqualTo("435[]");
        assertThat(wire(SocketPacket.ack("/", 12, Arrays.asList("ok", null, 2.5)))).isEqualTo("4312[\"ok\",null,2.5]");
    }

    @Test
    void connectAndConnectReply() {
        assertThat(wire(SocketPacket.connect("/", Map.of("sid", "x")))).isEqualTo("40{\"sid\":\"x\"}");
        assertThat(wire(SocketPacket.connect("/", null))).isEqualTo("40");
        assertThat(wire(SocketPacket.connect("/custom", null))).isEqualTo("40/custom,");
        assertThat(wire(SocketPacket.connect("/custom", Map.of("token", "123")))).isEqualTo("40/custom,{\"token\":\"123\"}");
    }

    @Test
    void connectError() {
        assertThat(wire(SocketPacket.connectError("/random", "Invalid namespace", null)))
                .isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
        assertThat(wire(SocketPacket.connectError("/", "not authorized", Map.of("code", 42))))
                .isEqualTo("44{\"message\":\"not authorized\",\"data\":{\"code\":42}}");
        assertThat(wire(SocketPacket.of(SocketPacketType.CONNECT_ERROR, "/", null, "plain")))
                .isEqualTo("44\"plain\"");
    }

    @Test
    void disconnect() {
        assertThat(wire(SocketPacket.disconnect("/custom"))).isEqualTo("41/custom,");
        assertThat(wire(SocketPacket.disconnect("/"))).isEqualTo("41");
    }

    @Test
    void binaryEvent() {
        byte[] bin = {1, 2, 3};
        EncodedPacket e = encoder.encode(SocketPacket.event("/", List.of("msg", bin), null));
        assertThat("4" + e.text()).isEqualTo("451-[\"msg\"," + PH0 + "]");
        assertThat(e.attachments()).containsExactly(bin);
    }

    @Test
    void binaryAck() {
        byte[] bin = {9};
        EncodedPacket e = encoder.encode(SocketPacket.ack("/", 7, List.of(bin)));
        assertThat("4" + e.text()).isEqualTo("461-7[" + PH0 + "]");
        assertThat(e.attachments()).containsExactly(bin);

        EncodedPacket n = encoder.encode(SocketPacket.ack("/nsp", 8, List.of(bin, "x", bin)));
        assertThat(n.text()).isEqualTo("62-/nsp,8[" + PH0 + ",\"x\"," + PH1 + "]");
        assertThat(n.attachments()).hasSize(2);
    }

    @Test
    void binaryEventWithNamespaceAndId() {
        EncodedPacket e = encoder.encode(SocketPacket.event("/custom", List.of("up", new byte[] {1}), 3));
        assertThat(e.text()).isEqualTo("51-/custom,3[\"up\"," + PH0 + "]");
    }

    @Test
    void placeholdersAreNumberedDepthFirstAcrossNestedObjectsAndArrays() {
        byte[] a = {0};
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, 1});
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("c", new byte[] {2, 2, 2});
        byte[] d = {3, 3, 3, 3};
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("a", a);
        inner.put("b", List.of(b, c));
        inner.put("n", 1);
        EncodedPacket e = encoder.encode(SocketPacket.event("/", List.of("bin", inner, d), null));
        assertThat(e.text()).isEqualTo("54-[\"bin\",{\"a\":" + PH0 + ",\"b\":[" + PH1 + ",{\"c\":" + PH2 + "}],\"n\":1},"
                + PH3 + "]");
        assertThat(e.attachments()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(e.attachments().get(i)).hasSize(i + 1).containsOnly((byte) i);
        }
    }

    record Upload(String name, byte[] content, List<ByteBuffer> parts) {
    }

    @Test
    void binaryInsideRecords() {
        Upload u = new Upload("f", new byte[] {5}, List.of(ByteBuffer.wrap(new byte[] {6})));
        EncodedPacket e = encoder.encode(SocketPacket.event("/", List.of("upload", u), null));
        assertThat(e.text()).isEqualTo("52-[\"upload\",{\"name\":\"f\",\"content\":" + PH0 + ",\"parts\":[" + PH1 + "]}]");
        assertThat(e.attachments().get(0)).containsExactly(5);
        assertThat(e.attachments().get(1)).containsExactly(6);
    }

    @Test
    void byteBufferUsesOnlyRemainingBytesAndIsNotConsumed() {
        ByteBuffer heap = ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4});
        heap.position(1).limit(4);
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {7, 8, 9});
        direct.flip();
        EncodedPacket e = encoder.encode(SocketPacket.event("/", List.of("b", heap, direct), null));
        assertThat(e.text()).isEqualTo("52-[\"b\"," + PH0 + "," + PH1 + "]");
        assertThat(e.attachments().get(0)).containsExactly(1, 2, 3);
        assertThat(e.attachments().get(1)).containsExactly(7, 8, 9);
        assertThat(heap.position()).isEqualTo(1);
        assertThat(direct.remaining()).isEqualTo(3);
    }

    @Test
    void binaryInsideJsonTreesAndPojoNodes() {
        ArrayNode args = JsonNodeFactory.instance.arrayNode();
        args.add("tree");
        args.addObject().put("k", "v").set("bin", JsonNodeFactory.instance.binaryNode(new byte[] {1}));
        args.add(new POJONode(Map.of("raw", new byte[] {2})));
        EncodedPacket e = encoder.encode(SocketPacket.of(SocketPacketType.EVENT, "/", null, args));
        assertThat(e.text()).isEqualTo("52-[\"tree\",{\"k\":\"v\",\"bin\":" + PH0 + "},{\"raw\":" + PH1 + "}]");
        assertThat(e.attachments().get(1)).containsExactly(2);
    }

    @Test
    void emptyBinaryIsStillAnAttachment() {
        EncodedPacket e = encoder.encode(SocketPacket.event("/", List.of("e", new byte[0]), null));
        assertThat(e.text()).isEqualTo("51-[\"e\"," + PH0 + "]");
        assertThat(e.attachments()).hasSize(1);
        assertThat(e.attachments().get(0)).isEmpty();
    }

    @Test
    void declaredBinaryTypeWithoutBinaryIsSentPlain() {
        assertThat(encoder.encode(SocketPacket.of(SocketPacketType.BINARY_EVENT, "/", null, List.of("a"))).text())
                .isEqualTo("2[\"a\"]");
        assertThat(encoder.encode(SocketPacket.of(SocketPacketType.BINARY_ACK, "/", 1, List.of())).text())
                .isEqualTo("31[]");
    }

    @Test
    void emojiAndMultiByteTextWrittenAsCharacters() {
        String s = "😀 é 中文 \u00a0 \u2028";
        assertThat(wire(SocketPacket.event("/", List.of("emoji", s), null)))
                .isEqualTo("42[\"emoji\",\"" + s + "\"]");
        assertThat(wire(SocketPacket.event("/", List.of("esc", "q\"b\\n\n/"), null)))
                .isEqualTo("42[\"esc\",\"q\\\"b\\\\n\\n/\"]");
    }

    @Test
    void keyOrderIsKept() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", 2);
        m.put("m", Map.of("x", true));
        assertThat(wire(SocketPacket.event("/", List.of("o", m), null)))
                .isEqualTo("42[\"o\",{\"z\":1,\"a\":2,\"m\":{\"x\":true}}]");
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("b", 1).put("a", 2);
        assertThat(wire(SocketPacket.event("/", List.of("o", n), null))).isEqualTo("42[\"o\",{\"b\":1,\"a\":2}]");
    }

    @Test
    void valuesOfEveryJsonKind() {
        assertThat(wire(SocketPacket.event("/", Arrays.asList("k", "s", 1, -2L, 1.5, true, null, List.of(), Map.of()), null)))
                .isEqualTo("42[\"k\",\"s\",1,-2,1.5,true,null,[],{}]");
        assertThat(wire(SocketPacket.event("/", List.of(3, "numeric name"), null))).isEqualTo("42[3,\"numeric name\"]");
    }

    @Test
    void callerMapperIsCopiedNotChangedAndItsSettingsApply() {
        ObjectMapper mine = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        SocketIoEncoder enc = new SocketIoEncoder(mine);
        record Pt(int xValue, byte[] rawBytes) {
        }
        EncodedPacket e = enc.encode(SocketPacket.event("/", List.of("p", new Pt(1, new byte[] {1})), null));
        assertThat(e.text()).isEqualTo("51-[\"p\",{\"x_value\":1,\"raw_bytes\":" + PH0 + "}]");
        assertThat(mine.getRegisteredModuleIds()).isEmpty();
        // the caller's mapper still writes byte[] as base64
        assertThat(mine.valueToTree(Map.of("b", new byte[] {1})).toString()).isEqualTo("{\"b\":\"AQ==\"}");
    }

    @Test
    void binaryWinsOverTheCallersOwnByteArraySerializer() {
        SimpleModule hex = new SimpleModule("hex");
        hex.addSerializer(byte[].class, new StdSerializer<byte[]>(byte[].class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(byte[] v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString("hex");
            }
        });
        SocketIoEncoder enc = new SocketIoEncoder(new ObjectMapper().registerModule(hex));
        EncodedPacket e = enc.encode(SocketPacket.event("/", List.of("b", new byte[] {1}), null));
        assertThat(e.text()).isEqualTo("51-[\"b\"," + PH0 + "]");
    }

    @Test
    void rejectsWhatCannotBeEncoded() {
        assertThatThrownBy(() -> encoder.encode(SocketPacket.connect("/", Map.of("b", new byte[] {1}))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binary");
        assertThatThrownBy(() -> encoder.encode(SocketPacket.of(SocketPacketType.DISCONNECT, "/", null, "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.encode(SocketPacket.of(SocketPacketType.ACK, "/", null, List.of())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.encode(SocketPacket.event("/", List.of("x", new Object()), null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocketPacket.event("/", List.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocketPacket.event("nsp", List.of("a"), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocketPacket.event("/", List.of("a"), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void circularDataIsAnErrorNotACrash() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("self", a);
        assertThatThrownBy(() -> encoder.encode(SocketPacket.event("/", List.of("loop", a), 1)))
                .isInstanceOf(IllegalArgumentException.class);
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        ObjectNode deep = tree;
        for (int i = 0; i < 5000; i++) {
            deep = deep.putObject("d");
        }
        assertThatThrownBy(() -> encoder.encode(SocketPacket.event("/", List.of("deep", tree), 1)))
                .isInstanceOf(IllegalArgumentException.class);
        // and the encoder still works afterwards
        assertThat(encoder.encode(SocketPacket.event("/", List.of("ok"), null)).text()).isEqualTo("2[\"ok\"]");
    }

    @Test
    void encoderIsSafeToShareAcrossThreads() throws Exception {
        SocketIoEncoder shared = new SocketIoEncoder();
        int threads = 8;
        int perThread = 1000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Integer> job = () -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        byte[] first = ("t" + thread + "i" + i).getBytes(StandardCharsets.UTF_8);
                        byte[] second = {(byte) thread, (byte) i};
                        boolean binary = i % 2 == 0;
                        List<Object> args = binary
                                ? List.of("ev", Map.of("a", first), i, List.of(second))
                                : List.of("ev", thread, i);
                        EncodedPacket e = shared.encode(SocketPacket.event("/t" + thread, args, i));
                        String expected = binary
                                ? "52-/t" + thread + "," + i + "[\"ev\",{\"a\":" + PH0 + "}," + i + ",[" + PH1 + "]]"
                                : "2/t" + thread + "," + i + "[\"ev\"," + thread + "," + i + "]";
                        assertThat(e.text()).isEqualTo(expected);
                        if (binary) {
                            assertThat(e.attachments()).containsExactly(first, second);
                        } else {
                            assertThat(e.attachments()).isEmpty();
                        }
                        ok++;
                    }
                    return ok;
                };
                results.add(pool.submit(job));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
