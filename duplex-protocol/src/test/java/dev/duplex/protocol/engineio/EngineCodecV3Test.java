package dev.duplex.protocol.engineio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Engine.IO v3 encodings, with vectors worked out from engine.io's parser-v3 (engine.io-parser 2.2). */
class EngineCodecV3Test {

    @Test
    void textPayloadLengthsCountUtf16Units() throws Exception {
        // "4é" is 2 code units, "4😀" 3 (a surrogate pair), as JavaScript's string length
        List<EnginePacket> packets = List.of(EnginePacket.message("é"), EnginePacket.message("😀"),
                EnginePacket.of(EnginePacketType.PONG), EnginePacket.binary(new byte[]{1, 2, 3}));
        String payload = EngineCodecV3.encodeTextPayload(packets);
        assertThat(payload).isEqualTo("2:4é3:4😀1:36:b4AQID");
        assertThat(EngineCodecV3.decodeTextPayload(payload)).isEqualTo(packets);
    }

    @Test
    void emptyTextPayloadIsZeroColon() throws Exception {
        assertThat(EngineCodecV3.encodeTextPayload(List.of())).isEqualTo("0:");
        assertThat(EngineCodecV3.decodeTextPayload("0:")).isEmpty();
    }

    @Test
    void decodesWhatSocketIoClient2Posts() throws Exception {
        assertThat(EngineCodecV3.decodeTextPayload("1:22:40"))
                .containsExactly(EnginePacket.of(EnginePacketType.PING), EnginePacket.message("0"));
        assertThat(EngineCodecV3.decodeTextPayload("15:40/the-nsp?a=1,"))
                .containsExactly(EnginePacket.message("0/the-nsp?a=1,"));
    }

    @Test
    void binaryPayloadCountsUtf8BytesAndTheTypeByte() throws Exception {
        List<EnginePacket> packets = List.of(EnginePacket.message("é"), EnginePacket.binary(new byte[]{9, 8}));
        byte[] payload = EngineCodecV3.encodeBinaryPayload(packets);
        byte[] e = "4é".getBytes(StandardCharsets.UTF_8);
        assertThat(payload).containsExactly(0, 3, 0xFF, e[0], e[1], e[2], 1, 3, 0xFF, 4, 9, 8);
        assertThat(EngineCodecV3.decodeBinaryPayload(payload)).isEqualTo(packets);
    }

    @Test
    void binaryPayloadWithMultiDigitLength() throws Exception {
        byte[] big = new byte[300];
        big[299] = 7;
        byte[] payload = EngineCodecV3.encodeBinaryPayload(List.of(EnginePacket.binary(big)));
        // 301 bytes (type byte included): digits 3, 0, 1
        assertThat(payload).startsWith(1, 3, 0, 1, 0xFF, 4);
        assertThat(EngineCodecV3.decodeBinaryPayload(payload).get(0).binary()).isEqualTo(big);
    }

    @Test
    void webSocketFrames() throws Exception {
        assertThat(EngineCodecV3.encodeBinaryFrame(new byte[]{1, 2})).containsExactly(4, 1, 2);
        assertThat(EngineCodecV3.decodeBinaryFrame(new byte[]{4, 1, 2}).binary()).containsExactly(1, 2);
        assertThat(EngineCodecV3.decodeText("b4AQID").binary()).containsExactly(1, 2, 3);
        assertThat(EngineCodecV3.decodeText("2probe")).isEqualTo(EnginePacket.of(EnginePacketType.PING, "probe"));
        assertThatThrownBy(() -> EngineCodecV3.decodeBinaryFrame(new byte[0]))
                .isInstanceOf(EngineProtocolException.class);
        assertThatThrownBy(() -> EngineCodecV3.decodeBinaryFrame(new byte[]{2, 1}))
                .isInstanceOf(EngineProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4hello", "5:4hi", "x:4hi", "2:4", ":4", "3:4hi1", "2:9x", "1:b", "2:b2",
            "99999999999:4", "1:41:"})
    void malformedTextPayloadsAreErrors(String payload) {
        assertThatThrownBy(() -> EngineCodecV3.decodeTextPayload(payload))
                .isInstanceOf(EngineProtocolException.class);
    }

    @Test
    void malformedBinaryPayloadsAreErrors() throws Exception {
        for (byte[] bad : new byte[][]{{2, 1, (byte) 0xFF, 52}, {0, 5, (byte) 0xFF, 52}, {0, 1}, {0, (byte) 0xFF},
                {0, 12, (byte) 0xFF, 52}, {1, 1, (byte) 0xFF, 2}, {0, 1, (byte) 0xFF, 'z'}}) {
            assertThatThrownBy(() -> EngineCodecV3.decodeBinaryPayload(bad))
                    .isInstanceOf(EngineProtocolException.class);
        }
    }
}
