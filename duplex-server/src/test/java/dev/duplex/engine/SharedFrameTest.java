package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One broadcast message written to many WebSocket sessions: its frame (header + "4" + UTF-8) is built once and every
 * recipient's channel gets a buffer over that same array (the first few) or over one direct copy of it (the rest),
 * byte-exact, with no per-recipient encoding or copy.
 */
class SharedFrameTest {
    private static final int RECIPIENTS = 50;

    @Test
    void oneFrameForAllRecipients() {
        EngineServer server = EngineServer.create(EngineOptions.defaults());
        List<EmbeddedChannel> channels = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < RECIPIENTS; i++) {
                EmbeddedChannel ch = new EmbeddedChannel();
                Session s = new Session(server, "s" + i, null, ch.eventLoop(), "websocket");
                WsHandler ws = new WsHandler(s, 1_000_000);
                ch.pipeline().addLast(ws);
                ws.setReady(true);
                s.start(ws);
                s.flush();
                ch.runPendingTasks();
                ByteBuf open = ch.readOutbound();
                open.release();
                channels.add(ch);
                sessions.add(s);
            }
            String text = "2[\"bcast\",\"é✓ " + "x".repeat(150) + "\"]";
            EngineMessage m = EngineMessage.text(text);
            byte[] payload = ("4" + text).getBytes(StandardCharsets.UTF_8);
            byte[] expected = new byte[4 + payload.length];
            expected[0] = (byte) 0x81;
            expected[1] = 126;
            expected[2] = (byte) (payload.length >>> 8);
            expected[3] = (byte) payload.length;
            System.arraycopy(payload, 0, expected, 4, payload.length);

            for (Session s : sessions) {
                s.send(m);
            }
            byte[] shared = m.wsFrame();
            assertThat(shared).isEqualTo(expected);
            long directAddress = 0;
            ByteBuf sharedDirect = null;
            for (int i = 0; i < channels.size(); i++) {
                EmbeddedChannel ch = channels.get(i);
                ch.runPendingTasks();
                ByteBuf out = ch.readOutbound();
                try {
                    assertThat(ByteBufUtil.getBytes(out)).isEqualTo(expected);
                    if (i < EngineMessage.DIRECT_FRAME_USES - 1) {
                        // the very array built once: no per-recipient header, UTF-8 encoding or copy
                        assertThat(out.hasArray()).isTrue();
                        assertThat(out.array()).isSameAs(shared);
                    } else {
                        // from then on one direct copy for all: the transport need not copy it per recipient
                        assertThat(out.isDirect()).isTrue();
                        assertThat(out.hasMemoryAddress()).isTrue();
                        if (directAddress == 0) {
                            directAddress = out.memoryAddress();
                            sharedDirect = out.unwrap();
                        }
                        assertThat(out.memoryAddress()).isEqualTo(directAddress);
                        // a duplicate of one shared buffer (one object per recipient, as the bare-Netty ceiling's
                        // retainedDuplicate()), not a new wrapper over a copy of the ByteBuffer per recipient
                        assertThat(out.unwrap()).isNotNull().isSameAs(sharedDirect);
                    }
                } finally {
                    out.release();
                }
                Object next = ch.readOutbound();
                assertThat(next).isNull();
            }
            assertThat(directAddress).isNotZero();
            // the transports released every duplicate; the shared buffer keeps the message's own reference
            assertThat(sharedDirect.refCnt()).isEqualTo(1);
            assertThat(m.wsFrame()).isSameAs(shared);
        } finally {
            server.close();
            channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        }
    }
}
