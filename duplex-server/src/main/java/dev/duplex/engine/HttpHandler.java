package dev.duplex.engine;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/** A plain HTTP handler that the engine consults before ({@link EngineServer#before}) or outside its path
 * ({@link EngineServer#fallback}). */
@FunctionalInterface
public interface HttpHandler {
    /**
     * Returns true when it has taken the request and will answer it. The caller releases {@code request} after
     * this returns; a handler that answers later must {@code retain()} it.
     */
    boolean handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
