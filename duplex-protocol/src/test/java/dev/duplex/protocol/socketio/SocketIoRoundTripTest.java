package dev.duplex.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketIoRoundTripTest {
    private final SocketIoEncoder encoder = new SocketIoEncoder();
    private final SocketIoDecoder decoder = new SocketIoDecoder();
    private final ObjectMapper mapper = new ObjectMapper();

    private SocketPacket roundTrip(SocketPacket p) throws Exception {
        EncodedPacket e = encoder.encode(p);
        SocketPacket out = decoder.decode(e.text());
        for (int i = 0; i < e.attachments().size(); i++) {
            assertThat(out).as("complete before the last attachment").isNull();
            out = decoder.addAttachment(e.attachments().get(i));
        }
        assertThat(out).isNotNull();
        assertThat(decoder.isAwaitingAttachments()).isFalse();
        // re-encoding the decoded packet gives the same wire form
        EncodedPacket again = encoder.encode(out);
        assertThat(again.text()).isEqualTo(e.text());
        assertThat(again.attachments()).hasSameSizeAs(e.attachments());
        for (int i = 0; i < e.attachments().size(); i++) {
            assertThat(again.attachments().get(i)).isEqualTo(e.attachments().get(i));
        }
        return out;
    }

    @Test
    void everyPacketTypeInEveryNamespace() throws Exception {
        for (String nsp : List.of("/", "/custom", "/a/b-c_d")) {
            assertThat(roundTrip(SocketPacket.connect(nsp, null))).isEqualTo(SocketPacket.connect(nsp, null));
            SocketPacket c = roundTrip(SocketPacket.connect(nsp, Map.of("token", "t")));
            assertThat(c.data()).isEqualTo(mapper.readTree("{\"token\":\"t\"}"));
            assertThat(roundTrip(SocketPacket.disconnect(nsp))).isEqualTo(SocketPacket.disconnect(nsp));
            SocketPacket ev = roundTrip(SocketPacket.event(nsp, List.of("ev", 1, "two"), 3));
            assertThat(ev.type()).isEqualTo(SocketPacketType.EVENT);
            assertThat(ev.namespace()).isEqualTo(nsp);
            assertThat(ev.id()).isEqualTo(3);
            SocketPacket ack = roundTrip(SocketPacket.ack(nsp, 4, List.of("r")));
            assertThat(ack.type()).isEqualTo(SocketPacketType.ACK);
            assertThat(ack.id()).isEqualTo(4);
            SocketPacket err = roundTrip(SocketPacket.connectError(nsp, "nope", Map.of("code", 1)));
            assertThat(err.data()).isEqualTo(mapper.readTree("{\"message\":\"nope\",\"data\":{\"code\":1}}"));
        }
    }

    @Test
    void binaryRoundTripKeepsBytesAndPositions() throws Exception {
        byte[] a = {1, 2, 3};
        ByteBuffer b = ByteBuffer.wrap(new byte[] {4, 5});
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("bin", a);
        obj.put("list", Arrays.asList("x", b, null));
        SocketPacket out = roundTrip(SocketPacket.event("/files", List.of("upload", obj, "😀"), 9));
        JsonNode data = (JsonNode) out.data();
        assertThat(out.type()).isEqualTo(SocketPacketType.EVENT);
        assertThat(data.get(1).get("bin").binaryValue()).containsExactly(1, 2, 3);
        assertThat(data.get(1).get("list").get(1).binaryValue()).containsExactly(4, 5);
        assertThat(data.get(1).get("list").get(2).isNull()).isTrue();
        assertThat(data.get(2).textValue()).isEqualTo("😀");

        SocketPacket ack = roundTrip(SocketPacket.ack("/", 1, List.of(new byte[] {7}, new byte[] {8})));
        assertThat(ack.type()).isEqualTo(SocketPacketType.ACK);
        assertThat(((JsonNode) ack.data()).get(1).binaryValue()).containsExactly(8);
    }

    @Test
    void manyAttachmentsUpToTheLimit() throws Exception {
        Object[] args = new Object[11];
        args[0] = "many";
        for (int i = 1; i <= 10; i++) {
            args[i] = new byte[] {(byte) i};
        }
        SocketPacket out = roundTrip(SocketPacket.event("/", Arrays.asList(args), null));
        assertThat(((JsonNode) out.data()).get(10).binaryValue()).containsExactly(10);
    }
}
