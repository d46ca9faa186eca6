package dev.duplex.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An {@link HttpObjectAggregator} limited to maxHttpBufferSize that also tells a session when one of its POSTs
 * starts (to detect overlapping POSTs and aborted uploads, as engine.io does while streaming a body) and answers an
 * oversize POST with 413, closing its session like engine.io ("payload too large").
 */
final class EngineAggregator extends HttpObjectAggregator {
    private final EngineServer server;
    private final EngineHttpHandler matcher;
    private ChannelHandlerContext ctx;

    EngineAggregator(EngineServer server, EngineHttpHandler matcher) {
        super((int) server.options().maxHttpBufferSize());
        this.server = server;
        this.matcher = matcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    protected FullHttpMessage beginAggregation(HttpMessage start, ByteBuf content) throws Exception {
        Session s = postSession(start);
        if (s != null) {
            s.run(() -> PollingTransport.onPostStart(s, ctx.channel()));
        }
        return super.beginAggregation(start, content);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        Session s = postSession(oversized);
        if (s != null) {
            s.run(() -> s.onError("payload too large"));
        }
        FullHttpResponse res = Responses.plain(oversized.protocolVersion(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "", oversized instanceof HttpRequest ? Cors.headers(server.options().cors(), (HttpRequest) oversized)
                        : null);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    /** The session a POST request is for, or null. */
    private Session postSession(HttpMessage m) {
        if (!(m instanceof HttpRequest)) {
            return null;
        }
        HttpRequest req = (HttpRequest) m;
        if (!HttpMethod.POST.equals(req.method())) {
            return null;
        }
        try {
            if (!matcher.matches(req.uri())) {
                return null;
            }
            String sid = UriQuery.parse(req.uri()).last("sid");
            return sid == null ? null : server.session(sid);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
