package dev.duplex.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.duplex.protocol.socketio.EncodedPacket;
import dev.duplex.protocol.socketio.PacketDecoder;
import dev.duplex.protocol.socketio.PacketEncoder;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import dev.duplex.protocol.socketio.SocketProtocolException;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The msgpack parser against the official socket.io-msgpack-parser 3.0.2 (its encoder and decoder in Node). */
class MsgpackParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final Duration T = Duration.ofSeconds(20);
    private final PacketEncoder encoder = MsgpackParser.instance().newEncoder(new ObjectMapper());
    private final PacketDecoder decoder = MsgpackParser.instance().newDecoder(new ObjectMapper(), 10);

    record Point(int x, byte[] raw) {
    }

    private static byte[] filled(int n, int b) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) b);
        return a;
    }

    private String hex(SocketPacket p) {
        EncodedPacket e = encoder.encode(p);
        assertThat(e.text()).isNull();
        assertThat(e.attachments()).hasSize(1);
        return HEX.formatHex(e.attachments().get(0));
    }

    @Test
    void encodesTheSameBytesAsTheOfficialEncoder() {
        Map<String, SocketPacket> ours = new LinkedHashMap<>();
        ours.put("connectReply", SocketPacket.connect("/", Map.of("sid", "abc")));
        ours.put("event", SocketPacket.event("/", Arrays.asList("msg", "h\u00e9llo", 1, -1, 300, -70000, 1L << 40,
                1.5, true, false, null, Map.of("a", List.of(1))), null));
        ours.put("eventWithAck", SocketPacket.event("/chat", List.of("msg", new byte[] {1, 2, 3}), 7));
        ours.put("ack", SocketPacket.ack("/", 7, List.of(filled(300, 9), "x".repeat(40))));
        ours.put("disconnect", SocketPacket.disconnect("/chat"));
        ours.put("connectError", SocketPacket.connectError("/", "nope", Map.of("code", 1)));
        try (ManagedProcess node = Node.start(Path.of("src/test/node/vectors.js"), Map.of(), "encode")) {
            for (Map.Entry<String, SocketPacket> e : ours.entrySet()) {
                String official = node.awaitPrefix(e.getKey() + " ", T);
                assertThat(hex(e.getValue())).as(e.getKey()).isEqualTo(official);
                // and back: our decoder reads the official bytes as the packet we encoded
                SocketPacket back = decode(official);
                assertThat(back.type()).isEqualTo(e.getValue().type());
                assertThat(back.namespace()).isEqualTo(e.getValue().namespace());
                assertThat(back.id()).isEqualTo(e.getValue().id());
            }
        }
    }

    @Test
    void theOfficialDecoderReadsWhatWeEncode() throws Exception {
        ByteBuffer direct = ByteBuffer.allocateDirect(4).put(new byte[] {5, 6, 7, 8}).flip();
        List<SocketPacket> packets = List.of(
                SocketPacket.of(SocketPacketType.BINARY_EVENT, "/", 3,
                        List.of("up", new Point(2, new byte[] {1}), direct, BinaryNode.valueOf(new byte[] {4}))),
                SocketPacket.of(SocketPacketType.BINARY_ACK, "/x", 9, List.of(new byte[0])),
                SocketPacket.connect("/", null));
        List<String> args = new ArrayList<>(List.of("decode"));
        for (SocketPacket p : packets) {
            args.add(hex(p));
        }
        assertThat(direct.remaining()).isEqualTo(4);
        List<JsonNode> out = new ArrayList<>();
        try (ManagedProcess node = Node.start(Path.of("src/test/node/vectors.js"), Map.of(),
                args.toArray(String[]::new))) {
            for (int i = 0; i < packets.size(); i++) {
                out.add(JSON.readTree(node.awaitLine(l -> l.startsWith("{"), T)));
            }
        }
        assertThat(out.get(0).toString()).isEqualTo("{\"ok\":{\"type\":2,\"data\":[\"up\",{\"x\":2,\"raw\":{\"$bin\":"
                + "\"01\"}},{\"$bin\":\"05060708\"},{\"$bin\":\"04\"}],\"id\":3,\"nsp\":\"/\"}}");
        assertThat(out.get(1).toString())
                .isEqualTo("{\"ok\":{\"id\":9,\"type\":3,\"data\":[{\"$bin\":\"\"}],\"nsp\":\"/x\"}}");
        assertThat(out.get(2).toString()).isEqualTo("{\"ok\":{\"type\":0,\"nsp\":\"/\"}}");
    }

    private SocketPacket decode(String hex) {
        try {
            return decoder.decode(HEX.parseHex(hex));
        } catch (SocketProtocolException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void decodesWhatNotepackWritesForArrayBufferUndefinedAndDate() throws Exception {
        // {type:2, data:["e", ArrayBuffer[1,2,3], undefined, {u: undefined, k: 1}, Date(86400000)], nsp:"/"}
        String hex = "83" + "a474797065" + "02" + "a464617461" + "95" + "a165" + "c7030001" + "0203" + "d40000"
                + "82" + "a175" + "d40000" + "a16b" + "01" + "d700" + "00000000" + "05265c00"
                + "a36e7370" + "a12f";
        SocketPacket p = decode(hex);
        assertThat(p.type()).isEqualTo(SocketPacketType.EVENT);
        JsonNode data = (JsonNode) p.data();
        assertThat(data.get(1).binaryValue()).containsExactly(1, 2, 3);
        assertThat(data.get(2).isNull()).isTrue();
        assertThat(data.get(3).toString()).isEqualTo("{\"k\":1}");
        assertThat(data.get(4).asText()).isEqualTo("1970-01-02T00:00:00.000Z");
        // a CONNECT whose auth is undefined (socket.io-client without auth) has no data
        SocketPacket c = decode("83" + "a474797065" + "00" + "a464617461" + "d40000" + "a36e7370" + "a12f");
        assertThat(c.type()).isEqualTo(SocketPacketType.CONNECT);
        assertThat(c.data()).isNull();
        assertThat(decoder.isAwaitingAttachments()).isFalse();
    }

    @Test
    void rejectsBadInputLikeTheOfficialDecoder() {
        String nsp = "a36e7370a12f";
        List<String> bad = List.of(
                "", // empty
                "c1", // never used
                "83a47479706502a46461746192", // truncated
                "82a47479706502" + nsp + "00", // trailing byte
                "82a47479706505" + nsp, // type 5
                "82a474797065a132" + nsp, // type "2"
                "82a47479706502a36e737001", // nsp 1
                "83a47479706502a46461746180" + nsp, // event data not an array
                "83a47479706501a46461746190" + nsp, // disconnect with data
                "83a47479706500a464617461c0" + nsp, // connect data null
                "84a47479706502a46461746191a161a26964a17a" + nsp, // id "z"
                "93010203"); // not a map
        for (String h : bad) {
            assertThatThrownBy(() -> decoder.decode(HEX.parseHex(h))).as(h)
                    .isInstanceOf(SocketProtocolException.class);
        }
        // the official decoder refuses them too
        List<String> args = new ArrayList<>(List.of("decode"));
        args.addAll(bad.subList(1, bad.size()));
        try (ManagedProcess node = Node.start(Path.of("src/test/node/vectors.js"), Map.of(),
                args.toArray(String[]::new))) {
            for (int i = 1; i < bad.size(); i++) {
                assertThat(node.awaitLine(l -> l.startsWith("{"), T)).as(bad.get(i)).startsWith("{\"error\":");
            }
        }
    }

    @Test
    void rejectsWhatWouldHurtTheServer() throws Exception {
        String nsp = "a36e7370a12f";
        // an empty event, a reserved event name, an ack without id, a negative id, a bad namespace
        for (String h : List.of("83a47479706502a46461746190" + nsp,
                "83a47479706502a46461746191a7636f6e6e656374" + nsp,
                "83a47479706503a46461746190" + nsp,
                "84a47479706502a46461746191a161a26964ff" + nsp,
                "83a47479706502a46461746191a161a36e7370a178")) {
            assertThatThrownBy(() -> decoder.decode(HEX.parseHex(h))).as(h)
                    .isInstanceOf(SocketProtocolException.class);
        }
        // a 2 GiB bin declared in 5 bytes is refused before any allocation
        assertThatThrownBy(() -> decoder.decode(HEX.parseHex("c67fffffff00")))
                .isInstanceOf(SocketProtocolException.class);
        assertThatThrownBy(() -> decoder.decode(HEX.parseHex("db7fffffff00")))
                .isInstanceOf(SocketProtocolException.class);
        // deep nesting does not overflow the stack
        byte[] deep = new byte[100_000];
        Arrays.fill(deep, (byte) 0x91);
        assertThatThrownBy(() -> decoder.decode(deep)).isInstanceOf(SocketProtocolException.class);
        // text messages are not this format
        assertThatThrownBy(() -> decoder.decode("2[\"a\"]")).isInstanceOf(SocketProtocolException.class);
        // and the decoder still works afterwards
        assertThat(decode("83a47479706502a46461746191a161" + nsp).data().toString()).isEqualTo("[\"a\"]");
    }
}
