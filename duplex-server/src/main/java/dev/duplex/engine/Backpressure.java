package dev.duplex.engine;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Reads an HTTP connection only while it is writable (its outbound bytes below the write-buffer high water mark, or
 * back under the low one): a client that sends requests and does not read the responses cannot make the server
 * queue more for it. First in every pipeline, one instance for all (stateless). A connection that becomes a
 * WebSocket drops it: its {@link WsHandler} applies the same rule together with the session's pause of reading
 * (its handlers are behind), with one handler less per established connection.
 */
@ChannelHandler.Sharable
final class Backpressure extends ChannelInboundHandlerAdapter {
    static final Backpressure INSTANCE = new Backpressure();

    private Backpressure() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
