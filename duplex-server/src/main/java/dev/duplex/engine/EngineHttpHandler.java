package dev.duplex.engine;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP entry of a connection: before-handlers, the engine path (engine.io's verify / handshake / polling /
 * WebSocket upgrade), then fallback handlers or 404. One instance per channel.
 */
final class EngineHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(EngineHttpHandler.class);
    /** ws's test of Sec-WebSocket-Key: 16 bytes in base64. */

    private final EngineServer server;
    private final EngineOptions options;
    private final String path;

    EngineHttpHandler(EngineServer server) {
        this.server = server;
        this.options = server.options();
        // engine.io's _computePath: without addTrailingSlash the prefix is the path without its slash ("/" stays)
        this.path = options.addTrailingSlash() || options.path().length() == 1 ? options.path()
                : options.path().substring(0, options.path().length() - 1);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        FullHttpRequest req = (FullHttpRequest) msg;
        try {
            handle(ctx, req);
        } catch (RuntimeException e) {
            log.warn("error while handling {} {}", req.method(), req.uri(), e);
            if (ctx.channel().isActive()) {
                sendAndMaybeClose(ctx, req, Responses.plain(req.protocolVersion(),
                        HttpResponseStatus.INTERNAL_SERVER_ERROR, "", null), false);
            }
        } finally {
            req.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection error, closing {}", ctx.channel(), cause);
        ctx.close();
    }

    /**
     * Whether a request URI belongs to the engine: engine.io's attach() check, the raw URI (as sent, query included)
     * starting with the path, trailing slash included unless {@link EngineOptions#addTrailingSlash()} is false:
     * {@code /engine.io?EIO=4} is then not the engine's.
     */
    boolean matches(String uri) {
        return uri.startsWith(path);
    }

    /**
     * Whether a request target has a character Node's HTTP parser refuses (with 400 before any handler): anything
     * but visible ASCII, e.g. NUL, other control characters, space, DEL or a non-ASCII byte.
     */
    static boolean hasInvalidTargetChar(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return true;
            }
        }
        return false;
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            // Node closes the connection after any malformed request; over a limit the status says which
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException
                    ? HttpResponseStatus.REQUEST_URI_TOO_LONG : cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            log.debug("malformed request on {}: {}", ctx.channel(), cause == null ? null : cause.toString());
            sendAndMaybeClose(ctx, req, Responses.plain(HttpVersion.HTTP_1_1, status, status.reasonPhrase(), null),
                    true);
            return;
        }
        if (hasInvalidTargetChar(req.uri())) {
            sendAndMaybeClose(ctx, req, Responses.plain(req.protocolVersion(), HttpResponseStatus.BAD_REQUEST,
                    "Bad Request", null), true);
            return;
        }
        for (HttpHandler h : server.beforeHandlers()) {
            if (h.handle(ctx, req)) {
                return;
            }
        }
        UriQuery qs;
        try {
            qs = UriQuery.parse(req.uri());
        } catch (IllegalArgumentException e) {
            sendAndMaybeClose(ctx, req, Responses.plain(req.protocolVersion(), HttpResponseStatus.BAD_REQUEST,
                    "Bad Request", null), true);
            return;
        }
        if (matches(req.uri())) {
            engine(ctx, req, qs);
            return;
        }
        for (HttpHandler h : server.fallbackHandlers()) {
            if (h.handle(ctx, req)) {
                return;
            }
        }
        sendAndMaybeClose(ctx, req, Responses.plain(req.protocolVersion(), HttpResponseStatus.NOT_FOUND,
                "Not Found", null), false);
    }

    /**
     * Whether a request is a WebSocket upgrade: as for Node's HTTP parser, which makes it an 'upgrade' only with
     * an {@code upgrade} token in Connection (else it is an ordinary request, e.g. a websocket handshake without
     * upgrade: 400 "Bad request").
     */
    static boolean isWebSocketUpgrade(FullHttpRequest req) {
        return HttpMethod.GET.equals(req.method())
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * A query parameter as engine.io reads it ({@code Object.fromEntries(url.searchParams)}): the last of repeated
     * values, so that {@code EIO=4&EIO=3} is version 3.
     */
    static String param(UriQuery qs, String name) {
        return qs.last(name);
    }

    private void engine(ChannelHandlerContext ctx, FullHttpRequest req, UriQuery qs) {
        HttpHeaders cors = Cors.headers(options.cors(), req);
        if (cors != null && Cors.isPreflight(req)) {
            FullHttpResponse res = Responses.plain(req.protocolVersion(), HttpResponseStatus.NO_CONTENT, "", cors);
            sendAndMaybeClose(ctx, req, res, false);
            return;
        }
        boolean upgrade = isWebSocketUpgrade(req);
        String transport = param(qs, "transport");
        if (transport == null || !options.transports().contains(transport)) {
            refuse(ctx, req, qs, null, upgrade, Responses.UNKNOWN_TRANSPORT, null, cors, "transport", transport);
            return;
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && hasInvalidHeaderChar(origin)) {
            refuse(ctx, req, qs, null, upgrade, Responses.BAD_REQUEST, null, cors, "name", "INVALID_ORIGIN", "origin",
                    origin);
            return;
        }
        String sid = param(qs, "sid");
        if (sid != null && !sid.isEmpty()) {
            Session session = server.session(sid);
            if (session == null) {
                refuse(ctx, req, qs, null, upgrade, Responses.UNKNOWN_SID, null, cors, "sid", sid);
                return;
            }
            if (!upgrade && !transport.equals(session.transport())) {
                refuse(ctx, req, qs, null, false, Responses.BAD_REQUEST, null, cors, "name", "TRANSPORT_MISMATCH",
                        "transport", transport, "previousTransport", session.transport());
                return;
            }
            if (upgrade) {
                if (!"websocket".equals(transport)) {
                    // engine.io: the polling transport does not handle upgrades, the websocket is closed
                    abort(ctx, req, true, Responses.BAD_REQUEST, cors);
                    return;
                }
                webSocket(ctx, req, qs, session, sessionHeaders(ctx, req, null), false);
                return;
            }
            polling(ctx, req, session, sessionHeaders(ctx, req, cors));
            return;
        }
        if (!HttpMethod.GET.equals(req.method())) {
            refuse(ctx, req, qs, null, upgrade, Responses.BAD_HANDSHAKE_METHOD, null, cors, "method",
                    req.method().name());
            return;
        }
        if ("websocket".equals(transport) && !upgrade) {
            refuse(ctx, req, qs, null, false, Responses.BAD_REQUEST, null, cors, "name", "TRANSPORT_HANDSHAKE_ERROR");
            return;
        }
        AllowRequest allow = options.allowRequest();
        if (allow == null) {
            handshake(ctx, req, qs, transport, upgrade, cors);
            return;
        }
        EngineRequest snapshot = EngineRequest.of(ctx, req, qs);
        CompletionStage<Boolean> verdict;
        try {
            verdict = allow.allow(snapshot);
        } catch (RuntimeException e) {
            log.debug("allowRequest threw", e);
            refuseForbidden(ctx, req, qs, snapshot, upgrade, e, cors);
            return;
        }
        if (verdict == null) {
            refuseForbidden(ctx, req, qs, snapshot, upgrade, null, cors);
            return;
        }
        req.retain();
        // one of the verdict, the timeout and the connection's close settles the request (on the channel loop)
        boolean[] settled = new boolean[1];
        long timeoutNanos = options.allowRequestTimeout().toNanos();
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            try {
                if (ctx.channel().isActive()) {
                    log.warn("allowRequest gave no answer within {} ms, refusing {} from {}",
                            TimeUnit.NANOSECONDS.toMillis(timeoutNanos), req.uri(), ctx.channel().remoteAddress());
                    refuseForbidden(ctx, req, qs, snapshot, upgrade, null, cors);
                }
            } finally {
                req.release();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        ChannelFutureListener onClose = f -> {
            if (!settled[0]) {
                settled[0] = true;
                timer.cancel(false);
                req.release();
            }
        };
        ctx.channel().closeFuture().addListener(onClose);
        verdict.whenComplete((ok, err) -> {
            Runnable then = () -> {
                if (settled[0]) {
                    return;
                }
                settled[0] = true;
                timer.cancel(false);
                ctx.channel().closeFuture().removeListener(onClose);
                try {
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    if (err != null || !Boolean.TRUE.equals(ok)) {
                        refuseForbidden(ctx, req, qs, snapshot, upgrade, err, cors);
                    } else {
                        handshake(ctx, req, qs, transport, upgrade, cors);
                    }
                } catch (RuntimeException e) {
                    log.warn("handshake failed", e);
                    ctx.close();
                } finally {
                    req.release();
                }
            };
            if (ctx.executor().inEventLoop()) {
                then.run();
            } else {
                ctx.executor().execute(then);
            }
        });
    }

    /** The handshake response's extra headers after the initial-headers and headers listeners (engine.io's events). */
    private HttpHeaders handshakeHeaders(HttpHeaders extra, EngineRequest request) {
        if (!server.hasHeaderListeners()) {
            return extra;
        }
        HttpHeaders h = extra == null ? new DefaultHttpHeaders() : extra;
        server.fireHeaders(h, request, true);
        return h.isEmpty() ? null : h;
    }

    /** A later response's extra headers after the headers listeners. */
    private HttpHeaders sessionHeaders(ChannelHandlerContext ctx, FullHttpRequest req, HttpHeaders extra) {
        if (!server.hasHeaderListeners()) {
            return extra;
        }
        HttpHeaders h = extra == null ? new DefaultHttpHeaders() : extra;
        server.fireHeaders(h, EngineRequest.of(ctx, req), false);
        return h.isEmpty() ? null : h;
    }

    /** Node's checkInvalidHeaderChar: only tab and visible ASCII/latin-1 are allowed. */
    static boolean hasInvalidHeaderChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '\t' || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses a request as engine.io's verify and handshake do: tells the connection-error listeners (the
     * request's snapshot, {@code snapshot} when there is one already, and the context from {@code context}'s
     * name/value pairs, null values left out), then answers with {@code refusal} or the code's message.
     */
    private void refuse(ChannelHandlerContext ctx, FullHttpRequest req, UriQuery qs, EngineRequest snapshot,
                        boolean upgrade, int code, String refusal, HttpHeaders cors, Object... context) {
        if (server.hasConnectionErrorListeners()) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (int i = 0; i + 1 < context.length; i += 2) {
                if (context[i + 1] != null) {
                    c.put((String) context[i], context[i + 1]);
                }
            }
            server.fireConnectionError(new ConnectionError(snapshot != null ? snapshot : EngineRequest.of(ctx, req, qs),
                    code, Responses.message(code), c));
        }
        String message = refusal != null ? refusal : Responses.message(code);
        if (upgrade) {
            Responses.abortUpgrade(ctx, req.protocolVersion(), message);
        } else {
            sendAndMaybeClose(ctx, req, Responses.error(req.protocolVersion(), code, message, cors), false);
        }
    }

    /** allowRequest's refusal: its message when {@code failure} is an {@link AllowRequest.Refusal}. */
    private void refuseForbidden(ChannelHandlerContext ctx, FullHttpRequest req, UriQuery qs, EngineRequest snapshot,
                                 boolean upgrade, Throwable failure, HttpHeaders cors) {
        Throwable f = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = f instanceof AllowRequest.Refusal ? f.getMessage() : null;
        refuse(ctx, req, qs, snapshot, upgrade, Responses.FORBIDDEN, message, cors, "message", message);
    }

    private void abort(ChannelHandlerContext ctx, FullHttpRequest req, boolean upgrade, int code, HttpHeaders cors) {
        if (upgrade) {
            Responses.abortUpgrade(ctx, req.protocolVersion(), code);
        } else {
            sendAndMaybeClose(ctx, req, Responses.error(req.protocolVersion(), code, cors), false);
        }
    }

    private static void sendAndMaybeClose(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res,
                                          boolean forceClose) {
        boolean keepAlive = !forceClose && HttpUtil.isKeepAlive(req);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (keepAlive) {
            ctx.writeAndFlush(res, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private PollRequest pollRequest(ChannelHandlerContext ctx, FullHttpRequest req, HttpHeaders cors) {
        HttpHeaders extra = cors;
        String ua = req.headers().get(HttpHeaderNames.USER_AGENT);
        if (ua != null && (ua.contains(";MSIE") || ua.contains("Trident/"))) {
            extra = extra == null ? new DefaultHttpHeaders() : extra;
            extra.set("X-XSS-Protection", "0");
        }
        return new PollRequest(ctx.channel(), req.protocolVersion(), HttpUtil.isKeepAlive(req),
                req.headers().get(HttpHeaderNames.ACCEPT_ENCODING), extra);
    }

    private void polling(ChannelHandlerContext ctx, FullHttpRequest req, Session session, HttpHeaders cors) {
        PollRequest pr = pollRequest(ctx, req, cors);
        if (HttpMethod.GET.equals(req.method())) {
            session.run(() -> PollingTransport.onGet(session, pr));
        } else if (HttpMethod.POST.equals(req.method())) {
            String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
            boolean octet = type != null && type.trim().equalsIgnoreCase("application/octet-stream");
            String body = octet ? "" : req.content().toString(StandardCharsets.UTF_8);
            // a v3 client posts binary payloads (a v4 session refuses them)
            byte[] binary = octet && session.v3 != null ? ByteBufUtil.getBytes(req.content()) : null;
            session.run(() -> PollingTransport.onPost(session, pr, body, octet, binary));
        } else {
            // engine.io's polling transport answers other methods with a bare 500
            pr.respondEmpty(500);
        }
    }

    private void handshake(ChannelHandlerContext ctx, FullHttpRequest req, UriQuery qs, String transport,
                           boolean upgrade, HttpHeaders cors) {
        // engine.io reads any version but 4 as 3
        boolean eio3 = !"4".equals(param(qs, "EIO"));
        if (eio3 && !options.allowEIO3()) {
            refuse(ctx, req, qs, null, upgrade, Responses.UNSUPPORTED_PROTOCOL_VERSION, null, cors, "protocol", 3);
            return;
        }
        EngineRequest snapshot = EngineRequest.of(ctx, req, qs);
        String sid;
        if (options.generateId() == null) {
            sid = server.newSessionId();
        } else {
            try {
                sid = customId(snapshot);
            } catch (RuntimeException e) {
                refuse(ctx, req, qs, snapshot, upgrade, Responses.BAD_REQUEST, null, cors, "name",
                        "ID_GENERATION_ERROR", "error", e);
                return;
            }
        }
        Session session = eio3
                ? new Session(server, sid, snapshot, ctx.channel().eventLoop(), transport, true, EngineV3.base64(qs))
                : new Session(server, sid, snapshot, ctx.channel().eventLoop(), transport);
        HttpHeaders cookie = null;
        if (options.cookie() != null) {
            cookie = new DefaultHttpHeaders();
            cookie.set(HttpHeaderNames.SET_COOKIE, options.cookie().headerValue(sid));
        }
        if ("websocket".equals(transport)) {
            webSocket(ctx, req, qs, session, handshakeHeaders(cookie, snapshot), true);
            return;
        }
        HttpHeaders extra = cors;
        if (cookie != null) {
            extra = extra == null ? new DefaultHttpHeaders() : extra;
            extra.add(cookie);
        }
        PollRequest pr = pollRequest(ctx, req, handshakeHeaders(extra, snapshot));
        session.start(null);
        server.register(session);
        PollingTransport.onGet(session, pr);
        session.fireConnection();
    }

    /**
     * {@link EngineOptions#generateId()}'s id for this request; throws what the generator threw, or an
     * IllegalStateException for an id that is invalid or a live session's (each logged).
     */
    private String customId(EngineRequest snapshot) {
        String id;
        try {
            id = options.generateId().apply(snapshot);
        } catch (RuntimeException e) {
            log.warn("generateId threw, refusing the handshake from {}", snapshot.remoteAddress(), e);
            throw e;
        }
        String problem = !validCustomId(id) ? "generateId gave an invalid session id: " + id
                : server.session(id) != null ? "generateId gave the id of a live session: " + id : null;
        if (problem != null) {
            log.warn("{}, refusing the handshake", problem);
            throw new IllegalStateException(problem);
        }
        return id;
    }

    /** 1 to 128 URL- and cookie-safe characters: {@code A-Z a-z 0-9 - _ . ~}. */
    static boolean validCustomId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code key} is what ws accepts as a Sec-WebSocket-Key: 16 bytes in base64, i.e. 22 characters of the
     * base64 alphabet then {@code ==} (ws's {@code /^[+/0-9A-Za-z]{22}==$/}), checked by hand: a regex matcher per
     * handshake cost a few percent of its CPU.
     */
    static boolean validWebSocketKey(String key) {
        if (key == null || key.length() != 24 || key.charAt(22) != '=' || key.charAt(23) != '=') {
            return false;
        }
        for (int i = 0; i < 22; i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Completes a WebSocket handshake; {@code session} is a new session, not registered yet, when {@code direct},
     * else an existing session to upgrade.
     */
    private void webSocket(ChannelHandlerContext ctx, FullHttpRequest req, UriQuery qs, Session session,
                           HttpHeaders extra, boolean direct) {
        // ws's checks of the upgrade request, which engine.io hands over to ws once its own verify passed
        String key = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (!validWebSocketKey(key)) {
            Responses.abortWebSocket(ctx, req.protocolVersion(), "Missing or invalid Sec-WebSocket-Key header", null);
            return;
        }
        String version = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version) && !"8".equals(version)) {
            Responses.abortWebSocket(ctx, req.protocolVersion(), "Missing or invalid Sec-WebSocket-Version header",
                    "13, 8");
            return;
        }
        int max = (int) options.maxHttpBufferSize();
        // "13" or "8" here: the server's shared handshaker of that version (what the factory would make)
        WebSocketServerHandshaker hs = "13".equals(version) ? server.wsHandshaker13 : server.wsHandshaker08;
        Channel ch = ctx.channel();
        WsHandler wsh = session.v3 == null ? new WsHandler(session, max) : new WsHandler(session, max,
                EngineV3.base64(qs) ? EngineV3.WS_BASE64 : EngineV3.WS_BINARY);
        ChannelPipeline p = ctx.pipeline();
        // frames the client sent in the same write as this request are still in the HTTP decoder: they reach wsh
        // as bytes when that decoder leaves the pipeline, and wsh holds them, with anything else read meanwhile
        // (reads pause until then), until the session has its transport
        wsh.holdInbound();
        ch.config().setAutoRead(false);
        p.replace(this, "engine-ws", wsh);
        // a new session's open packet goes out in the same write as the 101 when no extension can be negotiated
        // (its frame is then known to be plain): the HTTP timeouts' handler below the codec holds the flush of the
        // 101 until the open packet follows it
        HttpTimeouts timeouts = direct && session.eventLoop() == ch.eventLoop()
                && (!options.perMessageDeflate() || !req.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS))
                ? p.get(HttpTimeouts.class) : null;
        ChannelHandlerContext below = timeouts == null ? null : timeouts.holdFlushes();
        ChannelFuture handshake;
        boolean openSent = false;
        try {
            handshake = hs.handshake(ch, req, extra, ch.newPromise());
            if (below != null && !handshake.isDone()) {
                // below the HTTP codec, which the handshake removes only once the 101 is written
                below.write(Unpooled.wrappedBuffer(session.openFrame()), below.voidPromise());
                openSent = true;
            }
        } finally {
            if (below != null) {
                timeouts.releaseFlushes();
            }
        }
        // the HTTP decoder stops here (the handshake removes the codec only once the 101 is written): what it
        // read past the request goes to wsh now
        HttpServerCodec http = p.get(HttpServerCodec.class);
        if (http != null) {
            http.removeInboundHandler();
        }
        boolean sentWithThe101 = openSent;
        handshake.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("websocket handshake failed", f.cause());
                ch.close();
                return;
            }
            // extension encoders (permessage-deflate) were installed while the 101 was written
            wsh.setReady(p.get(WebSocketExtensionEncoder.class) == null);
            wsh.established();
            if (direct) {
                session.run(() -> {
                    session.start(wsh, sentWithThe101);
                    server.register(session);
                    session.flush();
                    session.fireConnection();
                });
            } else {
                session.run(() -> WebSocketTransport.maybeUpgrade(session, wsh));
            }
            // after the session took the transport (same loop, or queued before them on the session's loop)
            wsh.releasePending();
            wsh.updateRead();
        });
    }
}
