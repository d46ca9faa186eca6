package dev.duplex.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs, when a server starts, what its first clients would otherwise run first: the HTTP codec, a polling
 * session, a WebSocket handshake and frames, the session id generator, the buffer allocator, and one connection
 * through the real transport. On a fresh JVM that work (loading and initialising several hundred classes, seeding
 * SecureRandom) took the first packets hundreds of milliseconds, enough for a ping timeout with a short heartbeat.
 * The sessions made here belong to a private engine without listeners: no application code sees them.
 */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    private WarmUp() {
    }

    static void run(EngineOptions options, InetSocketAddress bound) {
        long t0 = System.nanoTime();
        try {
            embedded(options);
        } catch (Exception | LinkageError e) {
            // Netty rethrows checked exceptions undeclared (e.g. ClosedChannelException)
            log.debug("engine warm-up (embedded) failed", e);
        }
        try {
            loopback(bound);
        } catch (Exception e) {
            log.debug("engine warm-up (loopback) failed", e);
        }
        log.debug("engine warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** A polling session and a WebSocket session on embedded channels of a private engine. */
    private static void embedded(EngineOptions options) {
        // no application code: no allowRequest (nor listeners, nor hooks, which belong to the real engine)
        EngineServer engine = EngineServer.create(options.toBuilder().allowRequest(null).generateId(null).build());
        String path = options.path();
        try {
            if (options.transports().contains("polling")) {
                polling(engine, path);
            }
            if (options.transports().contains("websocket")) {
                webSocket(engine, path);
            }
        } finally {
            engine.close();
        }
    }

    private static void polling(EngineServer engine, String path) {
        EmbeddedChannel poll = channel(engine);
        try {
            String open = exchange(poll, "GET " + path + "?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept-Encoding: gzip\r\n\r\n");
            int at = open.indexOf("\"sid\":\"");
            if (at >= 0) {
                String sid = open.substring(at + 7, open.indexOf('"', at + 7));
                String body = "4" + "{\"warm\":[1,2.5,true,null,\"up\"]}\u001e4x";
                exchange(poll, "POST " + path + "?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n"
                        + "Host: localhost\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
                exchange(poll, "POST " + path + "?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n"
                        + "Host: localhost\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 1\r\n\r\n1");
            }
        } finally {
            poll.finishAndReleaseAll();
        }
    }

    private static void webSocket(EngineServer engine, String path) {
        EmbeddedChannel ws = channel(engine);
        try {
            exchange(ws, "GET " + path + "?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            ByteBuf frames = Unpooled.buffer();
            maskedFrame(frames, 1, "4{\"warm\":[1,2.5,true,null,\"up\"]}".getBytes(StandardCharsets.UTF_8));
            maskedFrame(frames, 2, new byte[] {1, 2, 3});
            maskedFrame(frames, 9, new byte[0]);
            maskedFrame(frames, 1, "3".getBytes(StandardCharsets.UTF_8));
            maskedFrame(frames, 8, new byte[] {3, (byte) 0xe8});
            if (ws.isOpen()) {
                ws.writeInbound(frames);
                ws.runPendingTasks();
                drain(ws);
            } else {
                frames.release();
            }
        } finally {
            ws.finishAndReleaseAll();
        }
    }

    private static EmbeddedChannel channel(EngineServer engine) {
        EmbeddedChannel ch = new EmbeddedChannel();
        engine.initPipeline(ch.pipeline(), false);
        return ch;
    }

    /** Writes a request, runs the tasks it caused, returns what was written back. */
    private static String exchange(EmbeddedChannel ch, String request) {
        if (!ch.isOpen()) {
            return "";
        }
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        ch.runPendingTasks();
        return drain(ch);
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof ByteBuf) {
                ByteBuf b = (ByteBuf) o;
                sb.append(b.toString(StandardCharsets.ISO_8859_1));
            }
            ReferenceCountUtil.release(o);
        }
        Object in;
        while ((in = ch.readInbound()) != null) {
            ReferenceCountUtil.release(in);
        }
        return sb.toString();
    }

    private static void maskedFrame(ByteBuf out, int opcode, byte[] payload) {
        out.writeByte(0x80 | opcode);
        out.writeByte(0x80 | payload.length);
        out.writeInt(0);
        out.writeBytes(payload);
    }

    /** One connection through the real transport: a malformed request, answered with 400 before any handler. */
    private static void loopback(InetSocketAddress bound) throws Exception {
        InetAddress host = bound.getAddress() == null || bound.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress() : bound.getAddress();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, bound.getPort()), 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: warm-up\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            while (in.read(buf) >= 0) {
                // until the server closes the connection
            }
        }
    }
}
