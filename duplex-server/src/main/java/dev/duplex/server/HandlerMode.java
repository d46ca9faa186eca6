package dev.duplex.server;

/** Where user handlers run: {@link ServerOptions#handlerMode()}. */
public enum HandlerMode {
    /**
     * The default. On the connection's event loop when the server has a single CPU
     * ({@code Runtime.availableProcessors() == 1}, which follows CPU affinity and container CPU limits) and neither
     * {@link ServerOptions#handlerExecutor()} nor {@link ServerOptions#handlerThreads()} is set: a pool cannot run
     * beside the event loop there, and handing each packet to it and back costs two thread switches. Otherwise on the
     * handler pool, as {@link #POOL}.
     */
    AUTO,
    /**
     * On the server's handler pool ({@link ServerOptions#handlerThreads()}) or on
     * {@link ServerOptions#handlerExecutor()}: a handler that blocks holds one pool thread.
     */
    POOL,
    /**
     * On the connection's Netty event loop, as Node runs them: the fastest, but a handler that blocks stalls every
     * connection of that loop (a warning is logged when one runs for more than 100 ms). Run blocking handlers with
     * {@link Socket#on(String, java.util.concurrent.Executor, EventHandler)}.
     */
    EVENT_LOOP
}
