package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The open packet written from the server's prepared parts is byte for byte the one formatted in full for every
 * handshake before (the formula below is the old code's), for both kinds of session and unusual options; the
 * WebSocket frame of a direct session equals the frame built from that text.
 */
class OpenPacketTest {
    private static final List<String> IDS = List.of("AbCdEfGhIjKlMnOpQrSt", "", "x", "a-b_c~d.e", "0123456789abcdefghij");

    /** The open packet's JSON as Session formatted it before, for a session that may upgrade or not. */
    private static String formatted(EngineOptions options, String id, boolean canUpgrade) {
        return "{\"sid\":\"" + id + "\",\"upgrades\":" + (canUpgrade ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + options.pingInterval().toMillis()
                + ",\"pingTimeout\":" + options.pingTimeout().toMillis()
                + ",\"maxPayload\":" + options.maxHttpBufferSize() + "}";
    }

    private static List<EngineOptions> options() {
        return List.of(EngineOptions.builder().build(),
                EngineOptions.builder().pingInterval(Duration.ofMillis(1)).pingTimeout(Duration.ofNanos(1_500_000))
                        .maxHttpBufferSize(1).build(),
                EngineOptions.builder().pingInterval(Duration.ofDays(3650)).pingTimeout(Duration.ofHours(20))
                        .maxHttpBufferSize(Integer.MAX_VALUE - 1024).build(),
                EngineOptions.builder().allowUpgrades(false).build(),
                EngineOptions.builder().transports(Set.of("websocket")).build());
    }

    @Test
    void theJsonIsTheFormattedOne() {
        for (EngineOptions o : options()) {
            OpenPacket open = new OpenPacket(o);
            for (String id : IDS) {
                for (boolean up : new boolean[] {true, false}) {
                    assertThat(open.json(id, up)).isEqualTo(formatted(o, id, up));
                }
            }
        }
    }

    @Test
    void theDirectFrameIsTheFrameOfTheFormattedPacket() {
        for (EngineOptions o : options()) {
            OpenPacket open = new OpenPacket(o);
            for (String id : IDS) {
                byte[] expected = EngineMessage.control('0', formatted(o, id, false)).wsFrame();
                assertThat(open.wsFrameNoUpgrade(id)).isEqualTo(expected);
            }
            // over 125 bytes of payload: the two-byte extended length
            String longId = "i".repeat(200);
            assertThat(open.wsFrameNoUpgrade(longId))
                    .isEqualTo(EngineMessage.control('0', formatted(o, longId, false)).wsFrame());
            // not ASCII: left to the general path
            assertThat(open.wsFrameNoUpgrade("\u00e9t\u00e9")).isNull();
        }
    }

    @Test
    void aSessionsOpenPacketAndFrameAreTheFormattedOnes() {
        for (EngineOptions o : options()) {
            EngineServer server = EngineServer.create(o);
            io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
            try {
                for (String transport : List.of("polling", "websocket")) {
                    Session s = new Session(server, "AbCdEfGhIjKlMnOpQrSt", null, ch.eventLoop(), transport);
                    boolean up = transport.equals("polling") && o.allowUpgrades()
                            && o.transports().contains("websocket");
                    String json = formatted(o, "AbCdEfGhIjKlMnOpQrSt", up);
                    assertThat(s.handshakeJson()).isEqualTo(json);
                    assertThat(new String(s.openPacket().frame(), StandardCharsets.UTF_8)).isEqualTo("0" + json);
                    assertThat(s.openFrame()).isEqualTo(EngineMessage.control('0', json).wsFrame());
                }
            } finally {
                server.close();
                ch.finishAndReleaseAll();
            }
        }
    }
}
