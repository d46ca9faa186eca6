package dev.duplex.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Drives an {@link EngineServer}'s handlers (without the HTTP codec) on {@link EmbeddedChannel}s: requests go in
 * as HTTP objects, responses come out as {@link Resp} snapshots (the Netty responses are released).
 */
final class EngineHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BASE = "/engine.io/?EIO=4&transport=polling";

    final EngineServer server;
    final List<EmbeddedChannel> channels = new ArrayList<>();
    final List<EngineSocket> sockets = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    /** When true, every message is echoed back. */
    boolean echo = true;

    EngineHarness(EngineOptions options) {
        server = EngineServer.create(options);
        server.onConnection(s -> {
            sockets.add(s);
            s.setListener(new EngineSocket.Listener() {
                @Override
                public void onMessage(String text) {
                    events.add("message:" + text);
                    if (echo) {
                        s.send(text);
                    }
                }

                @Override
                public void onBinary(byte[] data) {
                    events.add("binary:" + data.length);
                    if (echo) {
                        s.send(data);
                    }
                }

                @Override
                public void onUpgrade(String transport) {
                    events.add("upgrade:" + transport);
                }

                @Override
                public void onClose(String reason, Throwable cause) {
                    events.add("close:" + reason);
                }
            });
        });
    }

    EngineHarness() {
        this(EngineOptions.defaults());
    }

    EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        server.initEngineHandlers(ch.pipeline());
        channels.add(ch);
        return ch;
    }

    static FullHttpRequest request(HttpMethod method, String uri, String body) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.HOST, "localhost");
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
        return req;
    }

    static FullHttpRequest get(String uri) {
        return request(HttpMethod.GET, uri, null);
    }

    static FullHttpRequest post(String uri, String body) {
        return request(HttpMethod.POST, uri, body);
    }

    /** Sends a request on a new channel and returns the response (or null when none yet). */
    Resp exchange(FullHttpRequest req) {
        return exchange(channel(), req);
    }

    static Resp exchange(EmbeddedChannel ch, FullHttpRequest req) {
        ch.writeInbound(req);
        return read(ch);
    }

    /** The next response written on a channel, or null. */
    static Resp read(EmbeddedChannel ch) {
        ch.runPendingTasks();
        Object o = ch.readOutbound();
        if (o == null) {
            return null;
        }
        try {
            FullHttpResponse r = (FullHttpResponse) o;
            byte[] body = new byte[r.content().readableBytes()];
            r.content().getBytes(r.content().readerIndex(), body);
            HttpHeaders h = new DefaultHttpHeaders();
            h.set(r.headers());
            return new Resp(r.status().code(), h, body);
        } finally {
            ReferenceCountUtil.release(o);
        }
    }

    /** Opens a polling session; returns its sid. */
    String handshake() {
        Resp r = exchange(get(BASE));
        if (r == null || r.status != 200) {
            throw new AssertionError("handshake failed: " + r);
        }
        return sidOf(r.text());
    }

    static String sidOf(String openPacket) {
        try {
            return JSON.readTree(openPacket.substring(1)).get("sid").asText();
        } catch (Exception e) {
            throw new AssertionError("not an open packet: " + openPacket, e);
        }
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    static String sidUri(String sid) {
        return BASE + "&sid=" + sid;
    }

    @Override
    public void close() {
        server.close();
        for (EmbeddedChannel ch : channels) {
            ch.runPendingTasks();
            ch.finishAndReleaseAll();
        }
    }

    /** A response snapshot. */
    static final class Resp {
        final int status;
        final HttpHeaders headers;
        final byte[] body;

        Resp(int status, HttpHeaders headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(CharSequence name) {
            return headers.get(name);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }
}
