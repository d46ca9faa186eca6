package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WsConnectionTest {
    private static final String UPGRADED = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n";

    /** Records what the connection reports. */
    private static final class Recorder implements ConnectionListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onConnected(WsConnection c) {
            events.add("connected");
        }

        @Override
        public void onAck(WsConnection c, long id, ByteBuf frame, int argsStart) {
            events.add("ack " + id + " " + frame.toString(frame.readerIndex() + argsStart,
                    frame.writerIndex() - frame.readerIndex() - argsStart, StandardCharsets.UTF_8));
        }

        @Override
        public void onEvent(WsConnection c, ByteBuf frame, int argsStart) {
            events.add("event " + frame.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onClosed(WsConnection c, Throwable cause) {
            events.add("closed " + (cause == null ? "" : cause.getMessage()));
        }
    }

    private static ByteBuf serverFrame(int opcode, String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80 | opcode);
        if (p.length < 126) {
            b.writeByte(p.length);
        } else {
            b.writeByte(126).writeShort(p.length);
        }
        return b.writeBytes(p);
    }

    /** Unmasks one client frame written by the connection and returns its text. */
    private static String clientFrame(EmbeddedChannel ch) {
        ByteBuf f = ch.readOutbound();
        assertThat(f).as("a frame was written").isNotNull();
        try {
            assertThat(f.readUnsignedByte() & 0x0f).isIn(1, 10);
            int b1 = f.readUnsignedByte();
            assertThat(b1 & 0x80).as("client frames are masked").isEqualTo(0x80);
            int len = b1 & 0x7f;
            if (len == 126) {
                len = f.readUnsignedShort();
            }
            byte[] mask = new byte[4];
            f.readBytes(mask);
            byte[] p = new byte[len];
            for (int i = 0; i < len; i++) {
                p[i] = (byte) (f.readByte() ^ mask[i & 3]);
            }
            return new String(p, StandardCharsets.UTF_8);
        } finally {
            f.release();
        }
    }

    private static EmbeddedChannel upgraded(Recorder r) {
        EmbeddedChannel ch = new EmbeddedChannel(new WsConnection(r, "127.0.0.1:1"));
        ByteBuf req = ch.readOutbound();
        assertThat(req.toString(StandardCharsets.US_ASCII))
                .startsWith("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n");
        req.release();
        ch.writeInbound(Unpooled.copiedBuffer(UPGRADED, StandardCharsets.US_ASCII));
        return ch;
    }

    @Test
    void connectsAnswersPingsAndReportsAcksAndEvents() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = upgraded(r);
        ch.writeInbound(serverFrame(1, "0{\"sid\":\"a\"}"));
        assertThat(clientFrame(ch)).isEqualTo("40");
        ch.writeInbound(serverFrame(1, "40{\"sid\":\"b\"}"));
        ch.writeInbound(serverFrame(1, "2"));
        assertThat(clientFrame(ch)).isEqualTo("3");
        ch.writeInbound(serverFrame(9, "ws-ping"));
        assertThat(clientFrame(ch)).isEqualTo("ws-ping");
        // two frames in one read, and one split across reads
        ByteBuf two = Unpooled.wrappedBuffer(serverFrame(1, "4317[\"x\"]"), serverFrame(1, "42[\"bcast\",\"p\"]"));
        ch.writeInbound(two);
        ByteBuf split = serverFrame(1, "43" + "18" + "[\"" + "y".repeat(200) + "\"]");
        ch.writeInbound(split.readRetainedSlice(3));
        ch.writeInbound(split);
        assertThat(r.events).containsExactly("connected", "ack 17 [\"x\"]", "event 2[\"bcast\",\"p\"]",
                "ack 18 [\"" + "y".repeat(200) + "\"]");
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void refusedUpgradeFailsTheConnection() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new WsConnection(r, "127.0.0.1:1"));
        ch.releaseOutbound();
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 400 Bad Request\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(r.events).singleElement().asString().startsWith("closed WebSocket upgrade refused");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void badServerInputClosesOnlyThatConnection() {
        String[][] cases = {
            {"masked", null},
            {"malformed ack", "43x[]"},
            {"ack without arguments", "4312"},
            {"unknown Engine.IO type", "9"},
            {"connect refused", "44{\"message\":\"no\"}"},
        };
        for (String[] c : cases) {
            Recorder r = new Recorder();
            EmbeddedChannel ch = upgraded(r);
            if (c[1] == null) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 5}));
            } else {
                ch.writeInbound(serverFrame(1, c[1]));
            }
            assertThat(r.events).as(c[0]).singleElement().asString().startsWith("closed ");
            assertThat(ch.isOpen()).as(c[0]).isFalse();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void generatorRefusesNonLoopbackTargets() {
        assertThatThrownBy(() -> new LoadGenerator(new InetSocketAddress("192.0.2.1", 80), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> new LoadGenerator(InetSocketAddress.createUnresolved("localhost", 80), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
