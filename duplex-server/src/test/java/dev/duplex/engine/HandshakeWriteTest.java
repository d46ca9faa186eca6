package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A direct WebSocket handshake sends the 101 and the open packet in one flush (one write to the socket instead of
 * two), byte for byte as before; with an extension to negotiate, or a request the handshake rejects, nothing is held.
 */
class HandshakeWriteTest {
    private static final String GET = "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    /** Counts the flushes that reach the transport and notes what each one carried. */
    private static final class Flushes extends ChannelOutboundHandlerAdapter {
        final List<String> batches = new ArrayList<>();
        private final StringBuilder pending = new StringBuilder();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf) {
                ByteBuf b = (ByteBuf) msg;
                pending.append(b.toString(b.readerIndex(), b.readableBytes(), StandardCharsets.ISO_8859_1));
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            batches.add(pending.toString());
            pending.setLength(0);
            ctx.flush();
        }
    }

    /** Runs {@code test} against a fresh engine whose pipeline is installed on an embedded channel. */
    private static void withEngine(EngineOptions options, EngineTest test) {
        EngineServer server = EngineServer.create(options);
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            server.initPipeline(ch.pipeline());
            test.run(server, ch);
        } finally {
            server.close();
            ch.finishAndReleaseAll();
        }
    }

    private interface EngineTest {
        void run(EngineServer server, EmbeddedChannel ch);
    }

    private static List<String> handshake(String request, EmbeddedChannel ch) {
        Flushes flushes = new Flushes();
        ch.pipeline().addFirst("flushes", flushes);
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        ch.runPendingTasks();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            b.release();
        }
        return flushes.batches;
    }

    @Test
    void the101AndTheOpenPacketLeaveInOneFlush() {
        withEngine(EngineOptions.defaults(), (server, ch) -> {
            List<String> batches = handshake(GET + KEY + "\r\n", ch);
            assertThat(batches.get(0)).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                    .contains("\r\n\r\n\u0081");
            String afterHeaders = batches.get(0).substring(batches.get(0).indexOf("\r\n\r\n") + 4);
            String sid = server.sockets().iterator().next().id();
            String open = "0{\"sid\":\"" + sid + "\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,"
                    + "\"maxPayload\":1000000}";
            assertThat(afterHeaders).isEqualTo("\u0081" + (char) open.length() + open);
            assertThat(batches.stream().filter(s -> !s.isEmpty())).hasSize(1);
            assertThat(ch.pipeline().names()).doesNotContain("engine-flush-hold", "http");
            assertThat(server.clientsCount()).isEqualTo(1);
        });
    }

    @Test
    void withPerMessageDeflateRequestedTheOpenPacketFollowsTheExtensionHandshake() {
        withEngine(EngineOptions.builder().perMessageDeflate(true).build(), (server, ch) -> {
            List<String> batches = handshake(
                    GET + KEY + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", ch);
            List<String> nonEmpty = batches.stream().filter(s -> !s.isEmpty()).toList();
            assertThat(nonEmpty).hasSize(2);
            assertThat(nonEmpty.get(0)).startsWith("HTTP/1.1 101").contains("permessage-deflate").endsWith("\r\n\r\n");
            // compressed: RSV1 set on the open packet's frame
            assertThat(nonEmpty.get(1).charAt(0)).isEqualTo('\u00c1');
            assertThat(server.clientsCount()).isEqualTo(1);
        });
    }

    @Test
    void aRejectedUpgradeIsAnsweredNotHeld() {
        withEngine(EngineOptions.defaults(), (server, ch) -> {
            // no Sec-WebSocket-Key: Netty's handshaker refuses the request
            List<String> batches = handshake(GET + "Sec-WebSocket-Version: 13\r\n\r\n", ch);
            assertThat(String.join("", batches)).startsWith("HTTP/1.1 ");
            assertThat(ch.pipeline().names()).doesNotContain("engine-flush-hold");
            assertThat(server.clientsCount()).isZero();
        });
    }

    @Test
    void acceptedConnectionsHaveNagleOff() throws Exception {
        CompletableFuture<Boolean> noDelay = new CompletableFuture<>();
        EngineServer server = EngineServer.create(EngineOptions.defaults()).before((ctx, req) -> {
            noDelay.complete(ctx.channel().config().getOption(ChannelOption.TCP_NODELAY));
            return false;
        });
        try {
            int port = TestPorts.start(server);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(noDelay.get(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            server.close();
        }
    }
}
