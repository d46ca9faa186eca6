package dev.duplex.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SocketIoDecoderTest {
    private static final String PH0 = "{\"_placeholder\":true,\"num\":0}";
    private static final String PH1 = "{\"_placeholder\":true,\"num\":1}";

    private final SocketIoDecoder decoder = new SocketIoDecoder();

    private SocketPacket decode(String text) throws SocketProtocolException {
        SocketPacket p = decoder.decode(text);
        assertThat(p).as("complete packet for %s", text).isNotNull();
        return p;
    }

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void aNumberJacksonCannotConvertIsAProtocolError() {
        // with BigDecimal floats Jackson throws NumberFormatException (not a JacksonException) for this exponent
        ObjectMapper mapper = new ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        SocketIoDecoder decoder = new SocketIoDecoder(mapper, 10);
        assertThatThrownBy(() -> decoder.decode("2[\"a\",1.5E4982704356106]"))
                .isInstanceOf(SocketProtocolException.class)
                .hasMessage("invalid payload");
    }

    @Test
    void connectInEveryNamespaceForm() throws Exception {
        SocketPacket p = decode("0");
        assertThat(p.type()).isEqualTo(SocketPacketType.CONNECT);
        assertThat(p.namespace()).isEqualTo("/");
        assertThat(p.id()).isNull();
        assertThat(p.data()).isNull();

        assertThat(decode("0/custom").namespace()).isEqualTo("/custom");
        assertThat(decode("0/custom,").namespace()).isEqualTo("/custom");
        SocketPacket auth = decode("0/custom,{\"token\":\"123\"}");
        assertThat(auth.namespace()).isEqualTo("/custom");
        assertThat(auth.data()).isEqualTo(json("{\"token\":\"123\"}"));
        assertThat(decode("0{\"sid\":\"x\"}").data()).isEqualTo(json("{\"sid\":\"x\"}"));
    }

    @Test
    void disconnectInEveryNamespaceForm() throws Exception {
        assertThat(decode("1")).isEqualTo(SocketPacket.disconnect("/"));
        assertThat(decode("1/custom")).isEqualTo(SocketPacket.disconnect("/custom"));
        assertThat(decode("1/custom,")).isEqualTo(SocketPacket.disconnect("/custom"));
    }

    @Test
    void event() throws Exception {
        SocketPacket p = decode("2[\"hello\",\"world\"]");
        assertThat(p.type()).isEqualTo(SocketPacketType.EVENT);
        assertThat(p.namespace()).isEqualTo("/");
        assertThat(p.id()).isNull();
        assertThat(p.data()).isEqualTo(json("[\"hello\",\"world\"]"));

        SocketPacket q = decode("2/custom,17[\"a\",1]");
        assertThat(q.namespace()).isEqualTo("/custom");
        assertThat(q.id()).isEqualTo(17);
        assertThat(q.data()).isEqualTo(json("[\"a\",1]"));

        assertThat(decode("20[\"a\"]").id()).isEqualTo(0);
        assertThat(decode("2[42,\"numeric name\"]").data()).isEqualTo(json("[42,\"numeric name\"]"));
        assertThat(decode("2 [\"spaces are JSON whitespace\"] ").data()).isEqualTo(json("[\"spaces are JSON whitespace\"]"));
    }

    @Test
    void ack() throws Exception {
        SocketPacket p = decode("3/admin,5[]");
        assertThat(p.type()).isEqualTo(SocketPacketType.ACK);
        assertThat(p.namespace()).isEqualTo("/admin");
        assertThat(p.id()).isEqualTo(5);
        assertThat(p.data()).isEqualTo(json("[]"));
        assertThat(decode("312[\"ok\",null]").id()).isEqualTo(12);
        assertThat(decode("32147483647[]").id()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void connectError() throws Exception {
        SocketPacket p = decode("4/random,{\"message\":\"Invalid namespace\"}");
        assertThat(p.type()).isEqualTo(SocketPacketType.CONNECT_ERROR);
        assertThat(p.namespace()).isEqualTo("/random");
        assertThat(((JsonNode) p.data()).get("message").textValue()).isEqualTo("Invalid namespace");
        assertThat(((JsonNode) decode("4\"plain\"").data()).textValue()).isEqualTo("plain");
    }

    @Test
    void binaryEventWaitsForItsAttachment() throws Exception {
        assertThat(decoder.decode("51-[\"msg\"," + PH0 + "]")).isNull();
        assertThat(decoder.isAwaitingAttachments()).isTrue();
        SocketPacket p = decoder.addAttachment(new byte[] {1, 2, 3});
        assertThat(decoder.isAwaitingAttachments()).isFalse();
        assertThat(p.type()).isEqualTo(SocketPacketType.EVENT);
        JsonNode data = (JsonNode) p.data();
        assertThat(data.get(0).textValue()).isEqualTo("msg");
        assertThat(data.get(1).isBinary()).isTrue();
        assertThat(data.get(1).binaryValue()).containsExactly(1, 2, 3);
    }

    @Test
    void binaryAckWithNamespaceAndNestedPlaceholders() throws Exception {
        assertThat(decoder.decode("62-/nsp,7[{\"x\":[" + PH1 + "]}," + PH0 + "]")).isNull();
        assertThat(decoder.addAttachment(new byte[] {0})).isNull();
        SocketPacket p = decoder.addAttachment(new byte[] {1, 1});
        assertThat(p.type()).isEqualTo(SocketPacketType.ACK);
        assertThat(p.namespace()).isEqualTo("/nsp");
        assertThat(p.id()).isEqualTo(7);
        JsonNode data = (JsonNode) p.data();
        assertThat(data.get(0).get("x").get(0).binaryValue()).containsExactly(1, 1);
        assertThat(data.get(1).binaryValue()).containsExactly(0);
    }

    @Test
    void binaryAckExactVector() throws Exception {
        assertThat(decoder.decode("61-7[" + PH0 + "]")).isNull();
        SocketPacket p = decoder.addAttachment(new byte[] {9});
        assertThat(p.id()).isEqualTo(7);
        assertThat(((JsonNode) p.data()).get(0).binaryValue()).containsExactly(9);
    }

    @Test
    void objectsThatAreNotPlaceholdersAreLeftAlone() throws Exception {
        assertThat(decoder.decode("51-[\"a\",{\"_placeholder\":false,\"num\":0},{\"_placeholder\":\"true\"}," + PH0 + "]"))
                .isNull();
        JsonNode data = (JsonNode) decoder.addAttachment(new byte[] {4}).data();
        assertThat(data.get(1)).isEqualTo(json("{\"_placeholder\":false,\"num\":0}"));
        assertThat(data.get(2)).isEqualTo(json("{\"_placeholder\":\"true\"}"));
        assertThat(data.get(3).binaryValue()).containsExactly(4);
    }

    @Test
    void emojiAndMultiByteText() throws Exception {
        String s = "😀 é 中文";
        assertThat(((JsonNode) decode("2[\"emoji\",\"" + s + "\"]").data()).get(1).textValue()).isEqualTo(s);
        assertThat(((JsonNode) decode("2[\"emoji\",\"\\ud83d\\ude00\"]").data()).get(1).textValue()).isEqualTo("😀");
    }

    @Test
    void keyOrderIsKept() throws Exception {
        JsonNode o = ((JsonNode) decode("2[\"o\",{\"z\":1,\"a\":2,\"m\":3}]").data()).get(1);
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("z", "a", "m");
    }

    @Test
    void maxAttachmentsIsConfigurable() throws Exception {
        SocketIoDecoder d = new SocketIoDecoder(new ObjectMapper(), 2);
        assertThat(d.decode("52-[\"a\"," + PH0 + "," + PH1 + "]")).isNull();
        d.reset();
        assertThatThrownBy(() -> d.decode("53-[\"a\"]")).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("too many attachments");
    }

    @Test
    void decoderIsUsableAfterAnError() throws Exception {
        assertThatThrownBy(() -> decoder.decode("2{}")).isInstanceOf(SocketProtocolException.class);
        assertThat(decode("2[\"ok\"]").type()).isEqualTo(SocketPacketType.EVENT);
    }

    // ---- rejections: every one its own case ----

    @ParameterizedTest(name = "rejects [{0}]")
    @MethodSource("dev.duplex.protocol.socketio.SocketIoVectors#rejected")
    void rejects(String text) {
        assertThatThrownBy(() -> decoder.decode(text)).isInstanceOf(SocketProtocolException.class);
        assertThat(decoder.isAwaitingAttachments()).isFalse();
    }

    @Test
    void rejectsDeeplyNestedJsonWithoutCrashing() {
        String deep = "2[\"a\"," + "[".repeat(100_000) + "]".repeat(100_000) + "]";
        assertThatThrownBy(() -> decoder.decode(deep)).isInstanceOf(SocketProtocolException.class);
    }

    @Test
    void rejectsTextPacketWhileAttachmentsAreAwaited() throws Exception {
        assertThat(decoder.decode("51-[\"a\"," + PH0 + "]")).isNull();
        assertThatThrownBy(() -> decoder.decode("2[\"b\"]")).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("plaintext");
        assertThat(decoder.isAwaitingAttachments()).isFalse();
    }

    @Test
    void rejectsAttachmentWithNothingPending() {
        assertThatThrownBy(() -> decoder.addAttachment(new byte[] {1})).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("not reconstructing");
    }

    @Test
    void rejectsAttachmentAfterTheLastOne() throws Exception {
        assertThat(decoder.decode("51-[\"a\"," + PH0 + "]")).isNull();
        assertThat(decoder.addAttachment(new byte[] {1})).isNotNull();
        assertThatThrownBy(() -> decoder.addAttachment(new byte[] {2})).isInstanceOf(SocketProtocolException.class);
    }

    @Test
    void rejectsAttachmentAfterReset() throws Exception {
        assertThat(decoder.decode("51-[\"a\"," + PH0 + "]")).isNull();
        decoder.reset();
        assertThatThrownBy(() -> decoder.addAttachment(new byte[] {1})).isInstanceOf(SocketProtocolException.class);
        assertThat(decoder.decode("51-[\"a\"," + PH0 + "]")).isNull();
        decoder.reset();
        assertThat(decode("2[\"hello\"]").type()).isEqualTo(SocketPacketType.EVENT);
    }

    @ParameterizedTest(name = "rejects placeholder num {0}")
    @ValueSource(strings = {"1", "-1", "0.5", "\"0\"", "null", "4294967296"})
    void rejectsPlaceholderNumOutOfRange(String num) throws Exception {
        assertThat(decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":" + num + "}]")).isNull();
        assertThatThrownBy(() -> decoder.addAttachment(new byte[] {1})).isInstanceOf(SocketProtocolException.class)
                .hasMessageContaining("illegal attachments");
        assertThat(decoder.isAwaitingAttachments()).isFalse();
    }

    @Test
    void rejectsPlaceholderWithoutNum() throws Exception {
        assertThat(decoder.decode("51-[\"a\",{\"_placeholder\":true}]")).isNull();
        assertThatThrownBy(() -> decoder.addAttachment(new byte[] {1})).isInstanceOf(SocketProtocolException.class);
    }

    @Test
    void reservedNamesHelper() {
        for (String n : List.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener")) {
            assertThat(SocketIoParser.isReservedEventName(n)).as(n).isTrue();
        }
        assertThat(SocketIoParser.isReservedEventName("message")).isFalse();
        assertThat(SocketIoParser.isReservedEventName("Connect")).isFalse();
        assertThat(SocketIoParser.isReservedEventName(null)).isFalse();
    }

    @Test
    void packetTypeCodes() {
        for (SocketPacketType t : SocketPacketType.values()) {
            assertThat(SocketPacketType.fromCode(t.code())).isEqualTo(t);
            assertThat(t.code()).isEqualTo((char) ('0' + t.ordinal()));
        }
        assertThat(SocketPacketType.fromCode('7')).isNull();
        assertThat(SocketPacketType.fromCode('/')).isNull();
        assertThat(SocketPacketType.fromCode('a')).isNull();
    }
}
