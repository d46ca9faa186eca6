package dev.duplex.engine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Reads a connection only while it is writable (its outbound bytes below the write-buffer high water mark, or back
 * under the low one) and while its session has not paused reading: a client that sends and does not read what
 * comes back (replies, pongs) cannot make the server queue more for it, and one that sends faster than its
 * handlers run is read no faster than they run. First in every pipeline; state confined to the channel's loop.
 */
final class Backpressure extends ChannelInboundHandlerAdapter {
    /** Reading paused by the session (its handlers are behind). */
    private boolean paused;

    /** Pauses or resumes reading {@code channel} for its session; any thread. */
    static void pause(Channel channel, boolean paused) {
        if (channel.eventLoop().inEventLoop()) {
            apply(channel, paused);
        } else {
            channel.eventLoop().execute(() -> apply(channel, paused));
        }
    }

    private static void apply(Channel channel, boolean paused) {
        Backpressure b = channel.pipeline().get(Backpressure.class);
        if (b != null) {
            b.paused = paused;
            b.update(channel);
        }
    }

    private void update(Channel channel) {
        channel.config().setAutoRead(channel.isWritable() && !paused);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        update(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }
}
