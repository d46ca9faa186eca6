package dev.duplex.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the codec against the official socket.io-parser (npm, from interop/node_modules), run by
 * src/test/node/socketio-parser/parser-oracle.js: what Java encodes, socket.io-parser decodes and encodes again to
 * the same string and attachments; what socket.io-parser encodes, Java decodes and encodes again identically; and
 * what Java rejects, socket.io-parser rejects too, except the documented stricter cases.
 */
class SocketIoParserInteropTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static ManagedProcess oracle;

    private final SocketIoEncoder encoder = new SocketIoEncoder();

    @BeforeAll
    static void startOracle() {
        Node.require();
        oracle = Node.start(Path.of("src/test/node/socketio-parser/parser-oracle.js"), Map.of());
        oracle.awaitLine("READY"::equals, TIMEOUT);
    }

    @AfterAll
    static void stopOracle() {
        if (oracle != null) {
            oracle.close();
        }
    }

    private static JsonNode ask(ObjectNode request) throws Exception {
        oracle.send(MAPPER.writeValueAsString(request));
        return MAPPER.readTree(oracle.awaitPrefix("R ", TIMEOUT));
    }

    private static JsonNode nodeDecode(String text, List<byte[]> attachments) throws Exception {
        ObjectNode req = JsonNodeFactory.instance.objectNode().put("op", "decode").put("text", text);
        ArrayNode a = req.putArray("attachments");
        attachments.forEach(b -> a.add(Base64.getEncoder().encodeToString(b)));
        return ask(req);
    }

    private static List<String> wire(EncodedPacket e) {
        List<String> out = new ArrayList<>();
        out.add(e.text());
        e.attachments().forEach(b -> out.add(Base64.getEncoder().encodeToString(b)));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.textValue()));
        return out;
    }

    private static SocketPacket javaDecode(List<String> wire) throws SocketProtocolException {
        SocketIoDecoder d = new SocketIoDecoder();
        SocketPacket p = d.decode(wire.get(0));
        for (int i = 1; i < wire.size(); i++) {
            assertThat(p).isNull();
            p = d.addAttachment(Base64.getDecoder().decode(wire.get(i)));
        }
        return p;
    }

    static List<SocketPacket> javaPackets() {
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put("z", 1);
        ordered.put("a", List.of("x", Map.of("k", true)));
        ordered.put("m", null);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("file", new byte[] {1, 2, 3});
        nested.put("more", Arrays.asList(ByteBuffer.wrap(new byte[] {4}), null,
                JsonNodeFactory.instance.objectNode().put("t", "u").set("b", JsonNodeFactory.instance.binaryNode(new byte[] {5}))));
        Object[] ten = new Object[11];
        ten[0] = "ten";
        for (int i = 1; i <= 10; i++) {
            ten[i] = new byte[] {(byte) i, (byte) -i};
        }
        return List.of(
                SocketPacket.connect("/", null),
                SocketPacket.connect("/custom", Map.of("token", "123")),
                SocketPacket.connect("/", Map.of("sid", "x")),
                SocketPacket.connectError("/random", "Invalid namespace", null),
                SocketPacket.connectError("/", "not authorized", Map.of("content", "Please retry later")),
                SocketPacket.of(SocketPacketType.CONNECT_ERROR, "/", null, "plain"),
                SocketPacket.disconnect("/"),
                SocketPacket.disconnect("/custom"),
                SocketPacket.event("/", List.of("hello", "world"), null),
                SocketPacket.event("/custom", List.of("a", 1), 17),
                SocketPacket.event("/", List.of(7, "numeric name"), 0),
                SocketPacket.event("/", List.of("ordered", ordered), null),
                SocketPacket.event("/", List.of("text", "😀 é 中文 \u2028 \u00a0", "\u0001\u001f\t\n\r\b\f\"\\/ \u007f"), null),
                SocketPacket.event("/", Arrays.asList("values", -3, 2.5, 9007199254740991L, true, false, null, List.of(), Map.of()), null),
                SocketPacket.ack("/admin", 5, List.of()),
                SocketPacket.ack("/", 2147483647, List.of("max id")),
                SocketPacket.event("/", List.of("msg", new byte[] {1, 2}), null),
                SocketPacket.event("/bin", List.of("nested", nested, new byte[0]), 12),
                SocketPacket.ack("/", 7, List.of(new byte[] {9})),
                SocketPacket.ack("/x", 8, List.of("a", Map.of("b", new byte[] {(byte) 255}))),
                SocketPacket.event("/", Arrays.asList(ten), null));
    }

    @Test
    void socketIoParserDecodesWhatJavaEncodesAndEncodesItBackIdentically() throws Exception {
        for (SocketPacket p : javaPackets()) {
            EncodedPacket e = encoder.encode(p);
            JsonNode res = nodeDecode(e.text(), e.attachments());
            assertThat(res.get("ok").asBoolean()).as("socket.io-parser decodes %s: %s", e, res).isTrue();
            assertThat(res.has("pending")).as("complete: %s", e).isFalse();
            assertThat(res.get("nsp").textValue()).isEqualTo(p.namespace());
            assertThat(strings(res.get("encoded"))).as("re-encoded by socket.io-parser").isEqualTo(wire(e));
        }
    }

    @Test
    void javaDecodesWhatSocketIoParserEncodesAndEncodesItBackIdentically() throws Exception {
        String[] packets = {
            "{\"type\":0,\"nsp\":\"/\",\"data\":null}",
            "{\"type\":0,\"nsp\":\"/custom\",\"data\":{\"sid\":\"abc\",\"pid\":\"def\"}}",
            "{\"type\":1,\"nsp\":\"/custom\",\"data\":null}",
            "{\"type\":4,\"nsp\":\"/random\",\"data\":{\"message\":\"Invalid namespace\"}}",
            "{\"type\":4,\"nsp\":\"/\",\"data\":{\"message\":\"m\",\"data\":{\"x\":[1,2]}}}",
            "{\"type\":2,\"nsp\":\"/\",\"data\":[\"hello\",\"world\"]}",
            "{\"type\":2,\"nsp\":\"/chat\",\"id\":3,\"data\":[\"o\",{\"z\":1,\"a\":{\"y\":null,\"b\":[true]}}]}",
            "{\"type\":2,\"nsp\":\"/\",\"data\":[\"emoji\",\"😀 中文 \\u0001\\u001f\\u2028\"]}",
            "{\"type\":3,\"nsp\":\"/\",\"id\":0,\"data\":[]}",
            "{\"type\":2,\"nsp\":\"/\",\"data\":[\"msg\",{\"$bin\":\"AQID\"},{\"a\":[{\"$bin\":\"\"},{\"$bin\":\"/w==\"}]}]}",
            "{\"type\":3,\"nsp\":\"/nsp\",\"id\":9,\"data\":[{\"$bin\":\"AA==\"},\"x\"]}",
        };
        for (String json : packets) {
            JsonNode res = ask((ObjectNode) JsonNodeFactory.instance.objectNode().put("op", "encode")
                    .set("packet", MAPPER.readTree(json)));
            assertThat(res.get("ok").asBoolean()).as("%s", res).isTrue();
            List<String> nodeWire = strings(res.get("encoded"));
            SocketPacket p = javaDecode(nodeWire);
            assertThat(p).as("decoded %s", nodeWire).isNotNull();
            assertThat(p.type().ordinal()).isEqualTo(MAPPER.readTree(json).get("type").intValue());
            assertThat(wire(encoder.encode(p))).as("Java re-encoding of %s", nodeWire).isEqualTo(nodeWire);
        }
    }

    @Test
    void acceptedVectorsAreAcceptedByBothAndReEncodedAlike() throws Exception {
        String[] vectors = {"0", "0/custom", "0/custom,", "0/custom,{\"token\":\"1\"}", "1", "1/custom", "2[\"a\"]",
            "2/custom,17[\"a\",1]", "2012[\"leading zero id\"]", "3/admin,5[]", "4/random,{\"message\":\"Invalid namespace\"}",
            "4\"plain\"", "2[ \"a\" , 1 ] "};
        for (String v : vectors) {
            JsonNode res = nodeDecode(v, List.of());
            assertThat(res.get("ok").asBoolean()).as("socket.io-parser accepts %s: %s", v, res).isTrue();
            SocketPacket p = new SocketIoDecoder().decode(v);
            assertThat(p).as(v).isNotNull();
            assertThat(wire(encoder.encode(p))).as(v).isEqualTo(strings(res.get("encoded")));
        }
    }

    @Test
    void rejectedVectorsAreRejectedBySocketIoParserTooExceptTheDocumentedStricterOnes() throws Exception {
        for (String v : SocketIoVectors.rejected()) {
            JsonNode res = nodeDecode(v, List.of());
            boolean nodeAccepts = res.get("ok").asBoolean();
            assertThat(nodeAccepts).as("socket.io-parser on [%s]: %s", v, res)
                    .isEqualTo(SocketIoVectors.STRICTER_THAN_SOCKET_IO.contains(v));
        }
    }
}
