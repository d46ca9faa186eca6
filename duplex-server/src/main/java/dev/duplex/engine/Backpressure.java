package dev.duplex.engine;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stops reading a connection while it is not writable (its outbound bytes above the write-buffer high water mark)
 * and reads again once it is: a client that sends and does not read what comes back (replies, pongs) cannot make
 * the server queue more for it. First in every pipeline; stateless, shared.
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
