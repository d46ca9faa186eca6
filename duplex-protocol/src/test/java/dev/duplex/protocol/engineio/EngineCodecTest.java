package dev.duplex.protocol.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EngineCodecTest {

    @Test
    void encodesEveryPacketType() {
        assertThat(EngineCodec.encode(EnginePacket.of(EnginePacketType.OPEN, "{\"sid\":\"x\"}")))
                .isEqualTo("0{\"sid\":\"x\"}");
        assertThat(EngineCodec.encode(EnginePacket.of(EnginePacketType.CLOSE))).isEqualTo("1");
        assertThat(EngineCodec.encode(EnginePacket.of(EnginePacketType.PING))).isEqualTo("2");
        assertThat(EngineCodec.encode(EnginePacket.of(EnginePacketType.PONG, "probe"))).isEqualTo("3probe");
        assertThat(EngineCodec.encode(EnginePacket.message("hello"))).isEqualTo("4hello");
        assertThat(EngineCodec.encode(EnginePacket.of(EnginePacketType.UPGRADE))).isEqualTo("5");
        assertThat(EngineCodec.encode(EnginePacket.of(EnginePacketType.NOOP))).isEqualTo("6");
    }

    @Test
    void decodesEveryPacketType() throws Exception {
        for (EnginePacketType t : EnginePacketType.values()) {
            EnginePacket p = EngineCodec.decode(t.code() + "data");
            assertThat(p.type()).isEqualTo(t);
            assertThat(p.text()).isEqualTo("data");
            assertThat(EngineCodec.decode(String.valueOf(t.code())).text()).isEmpty();
        }
    }

    @Test
    void binaryIsBase64WithPrefix() throws Exception {
        EnginePacket p = EnginePacket.binary(new byte[] {1, 2, 3, 4});
        assertThat(EngineCodec.encode(p)).isEqualTo("bAQIDBA==");
        EnginePacket back = EngineCodec.decode("bAQIDBA==");
        assertThat(back.isBinary()).isTrue();
        assertThat(back.type()).isEqualTo(EnginePacketType.MESSAGE);
        assertThat(back.binary()).containsExactly(1, 2, 3, 4);
        assertThat(back).isEqualTo(p);
    }

    @Test
    void whiteSpaceInBase64IsIgnoredLikeNode() throws Exception {
        // io.socket:socket.io-client (Java) sends "b<base64>\n"
        assertThat(EngineCodec.decode("bAQID\r\nBA==\n").binary()).containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> EngineCodec.decode("bAQ*IDBA==")).isInstanceOf(EngineProtocolException.class);
    }

    @Test
    void payloadSplitAndJoin() throws Exception {
        List<EnginePacket> packets = List.of(EnginePacket.message("hello"), EnginePacket.of(EnginePacketType.PING),
                EnginePacket.binary(new byte[] {1, 2, 3, 4}), EnginePacket.message("world"));
        String payload = EngineCodec.encodePayload(packets);
        assertThat(payload).isEqualTo("4hello\u001e2\u001ebAQIDBA==\u001e4world");
        assertThat(EngineCodec.decodePayload(payload)).containsExactlyElementsOf(packets);
        assertThat(EngineCodec.decodePayload("4test1\u001e4test2\u001e4test3")).extracting(EnginePacket::text)
                .containsExactly("test1", "test2", "test3");
    }

    @Test
    void multiByteUtf8AndEmojiSurvive() throws Exception {
        String text = "héllo wörld € 日本語 😀👍🏽";
        String wire = EngineCodec.encodePayload(List.of(EnginePacket.message(text), EnginePacket.message("€")));
        byte[] utf8 = wire.getBytes(StandardCharsets.UTF_8);
        List<EnginePacket> back = EngineCodec.decodePayload(new String(utf8, StandardCharsets.UTF_8));
        assertThat(back).extracting(EnginePacket::text).containsExactly(text, "€");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7", "x", "abc", "b!!!notbase64", "4a\u001e\u001e4b", "\u001e"})
    void malformedInputIsRejected(String input) {
        assertThatThrownBy(() -> EngineCodec.decodePayload(input)).isInstanceOf(EngineProtocolException.class);
    }
}
