package dev.duplex.engine;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker08;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.DeflateFrameServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Engine.IO v4 server on Netty: HTTP long-polling, WebSocket and the upgrade between them, at
 * {@link EngineOptions#path()}. Uses the transport of {@link EngineOptions#ioTransport()}: io_uring when available,
 * else epoll, else NIO, by default.
 *
 * <pre>{@code
 * EngineServer server = EngineServer.create(EngineOptions.defaults())
 *     .onConnection(socket -> socket.setListener(new EngineSocket.Listener() {
 *         public void onMessage(String text) { socket.send(text); }
 *     }))
 *     .start(3000);
 * }</pre>
 */
public final class EngineServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineServer.class);
    /** Session ids carry 144 random bits (24 characters), drawn from SecureRandom 32 ids at a time. */
    private static final RandomIds SESSION_IDS = new RandomIds(new SecureRandom(), 18, 32);

    private final EngineOptions options;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<Consumer<EngineSocket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final List<HttpHandler> before = new CopyOnWriteArrayList<>();
    private final List<HttpHandler> fallback = new CopyOnWriteArrayList<>();
    private final List<HeadersListener> initialHeaders = new CopyOnWriteArrayList<>();
    private final List<HeadersListener> headers = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConnectionError>> connectionErrors = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    /** Every open connection, closed with the server (a channel left open when its loop ends leaks its buffers). */
    private final ChannelGroup channels = new DefaultChannelGroup("duplex", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private volatile int port = -1;
    private volatile boolean closed;

    /**
     * The WebSocket decoder's configuration, one for every connection (immutable): protocol violations are reported
     * to WsHandler, which closes as ws does (code only, no reason text).
     */
    final WebSocketDecoderConfig wsDecoderConfig;
    /** The heartbeat timers of each event loop that owns sessions of this server. */
    private final java.util.concurrent.ConcurrentHashMap<io.netty.channel.EventLoop, HeartbeatTimers> heartbeats =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The HTTP decoder's configuration, one for every connection (the decoder reads it when it is made and keeps
     * no reference; never changed after this constructor).
     */
    private final HttpDecoderConfig httpDecoderConfig;
    /** The open packets of this server's sessions (all but the session id written once). */
    final OpenPacket openPackets;
    /**
     * The WebSocket handshakers of versions 13 and 8, shared by every connection (a factory and a handshaker per
     * request before): without subprotocols they keep no state of a handshake, and their URL is only informative.
     */
    final WebSocketServerHandshaker wsHandshaker13;
    final WebSocketServerHandshaker wsHandshaker08;

    private EngineServer(EngineOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.openPackets = new OpenPacket(options);
        this.wsDecoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength((int) options.maxHttpBufferSize())
                .allowExtensions(options.perMessageDeflate())
                .closeOnProtocolViolation(false)
                .build();
        // Node's limit is 16 KB for the request line and headers together; here each has its own (414 / 431)
        this.httpDecoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(options.maxRequestLineLength())
                .setMaxHeaderSize(options.maxHeaderSize());
        this.wsHandshaker13 = new WebSocketServerHandshaker13(HANDSHAKER_URL, null, wsDecoderConfig);
        this.wsHandshaker08 = new WebSocketServerHandshaker08(HANDSHAKER_URL, null, wsDecoderConfig);
    }

    /** The URL the shared handshakers are made with: WebSocket versions 8 and 13 do not send it. */
    private static final String HANDSHAKER_URL = "ws://localhost/";

    /** The heartbeat timers of the sessions {@code loop} owns. */
    HeartbeatTimers heartbeatTimers(io.netty.channel.EventLoop loop) {
        HeartbeatTimers t = heartbeats.get(loop);
        return t != null ? t : heartbeats.computeIfAbsent(loop, l -> new HeartbeatTimers(l, options));
    }

    /** Creates a server (not started) with these options. */
    public static EngineServer create(EngineOptions options) {
        return new EngineServer(options);
    }

    /** The options of this server. */
    public EngineOptions options() {
        return options;
    }

    /** Adds a listener called, on the socket's event loop, for every new session. */
    public EngineServer onConnection(Consumer<EngineSocket> listener) {
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Adds a handler consulted first for every HTTP request, in the order added. */
    public EngineServer before(HttpHandler handler) {
        before.add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** Adds a handler consulted for requests outside {@link EngineOptions#path()}; none or all false: 404. */
    public EngineServer fallback(HttpHandler handler) {
        fallback.add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * Adds a listener that may add headers to the handshake response (engine.io's {@code initial_headers}), e.g. a
     * {@code Set-Cookie}. See {@link HeadersListener}.
     */
    public EngineServer onInitialHeaders(HeadersListener listener) {
        initialHeaders.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Adds a listener that may add headers to every response of a session, the handshake included (engine.io's
     * {@code headers}). See {@link HeadersListener}.
     */
    public EngineServer onHeaders(HeadersListener listener) {
        headers.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Adds a listener told of every request refused before it reached a session (engine.io's
     * {@code connection_error}): an unknown transport or session id, a bad handshake method, a bad request, a
     * refusal of {@link EngineOptions#allowRequest()}, an unsupported protocol version. Called on the connection's
     * event loop before the response is written, as engine.io does; keep it short. See {@link ConnectionError}.
     */
    public EngineServer onConnectionError(Consumer<ConnectionError> listener) {
        connectionErrors.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * A channel initializer that installs this server on each channel your own Netty server accepts, to embed
     * Duplex in an application that owns its {@code ServerBootstrap} and event loops (do not call {@link #start}
     * then). {@link #close()} still closes every session.
     *
     * <pre>{@code
     * EngineServer engine = EngineServer.create(options);            // or io.engine() of a SocketIoServer
     * new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
     *         .childHandler(engine.channelInitializer())
     *         .bind(8080);
     * }</pre>
     *
     * Use {@link #addHandlers} instead to put your own handlers (an IP filter, a proxy-protocol decoder...) in
     * front of Duplex's.
     */
    public ChannelInitializer<Channel> channelInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                addHandlers(ch.pipeline());
            }
        };
    }

    /**
     * Adds this server's handlers at the end of {@code pipeline}: TLS when {@link EngineOptions#ssl()} is set, the
     * HTTP codec, then the Engine.IO handlers. The pipeline must not already hold an HTTP codec. Requests outside
     * the path go to the {@link #fallback} handlers, else 404.
     *
     * <pre>{@code
     * .childHandler(new ChannelInitializer<SocketChannel>() {
     *     protected void initChannel(SocketChannel ch) {
     *         ch.pipeline().addLast("ip-filter", new RuleBasedIpFilter(rules));
     *         io.engine().addHandlers(ch.pipeline());
     *     }
     * })
     * }</pre>
     */
    public void addHandlers(ChannelPipeline pipeline) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        initPipeline(pipeline);
    }

    /**
     * Binds all interfaces on this port (0 for any free port) and blocks until bound.
     *
     * @throws EngineBindException when the port cannot be bound
     */
    public EngineServer start(int port) {
        return start(new InetSocketAddress(port));
    }

    /**
     * Binds this address and blocks until bound.
     *
     * @throws EngineBindException when the address cannot be bound
     */
    public EngineServer start(InetSocketAddress address) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (serverChannel != null) {
                throw new IllegalStateException("already started");
            }
            IoTransport io = options.ioTransport().resolve();
            IoHandlerFactory factory = io.handlerFactory();
            Class<? extends ServerChannel> channelClass = io.serverChannelClass();
            workerGroup = new MultiThreadIoEventLoopGroup(options.ioThreads(), new DefaultThreadFactory("duplex-io"),
                    factory);
            // with a single I/O thread, that thread accepts too: a separate acceptor would only hand every new
            // connection over to it (a task and a wake-up per connection, on the same CPU when the server has one)
            bossGroup = options.ioThreads() == 1 ? workerGroup
                    : new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("duplex-accept"), factory);
            try {
                ServerBootstrap b = new ServerBootstrap()
                        .group(bossGroup, workerGroup)
                        .channel(channelClass)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                                options.writeBufferLowWaterMark(), options.writeBufferHighWaterMark()));
                b.childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        initPipeline(ch.pipeline());
                    }
                });
                serverChannel = b.bind(address).syncUninterruptibly().channel();
                port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
                log.info("Duplex listening on {} with the {} transport{}", serverChannel.localAddress(), io,
                        io == IoTransport.NIO && options.ioTransport() == IoTransport.AUTO ? IoTransport.nativeUnavailable() : "");
                WarmUp.run(options, (InetSocketAddress) serverChannel.localAddress());
            } catch (Exception e) {
                // bind failures are IOExceptions thrown without being declared
                shutdownGroups(true);
                serverChannel = null;
                if (e instanceof RuntimeException) {
                    throw (RuntimeException) e;
                }
                throw new EngineBindException("could not bind " + address, e);
            }
        }
        return this;
    }

    /** Installs the HTTP/engine handlers on a new connection's pipeline. */
    void initPipeline(ChannelPipeline p) {
        initPipeline(p, options.ssl() != null);
    }

    /** The pipeline of a connection, with or without TLS (the start-up warm-up runs without). */
    void initPipeline(ChannelPipeline p, boolean tls) {
        HttpTimeouts timeouts = new HttpTimeouts(options);
        p.addLast("backpressure", Backpressure.INSTANCE);
        if (tls) {
            p.addLast("tls", options.ssl().newHandler(p.channel().alloc()));
        }
        p.addLast("http-timeouts-raw", timeouts.rawObserver());
        p.addLast("http", new HttpServerCodec(httpDecoderConfig));
        p.addLast("http-timeouts", timeouts);
        initEngineHandlers(p);
    }

    /** The handlers after the HTTP codec (tests drive them with HTTP objects on an EmbeddedChannel). */
    void initEngineHandlers(ChannelPipeline p) {
        EngineHttpHandler handler = new EngineHttpHandler(this);
        p.addLast("aggregator", new EngineAggregator(this, handler));
        if (options.perMessageDeflate()) {
            // decompressed messages are bounded, so a compressed bomb cannot grow without end; Netty's inflater
            // refuses some output under its bound (it stops once its buffer is full at the bound, whatever is left),
            // so it gets twice the limit and WsHandler applies maxHttpBufferSize to the inflated message (1009).
            // Netty's WebSocketServerCompressionHandler with an encoder filter: a message sent with compress false
            // (engine.io's send option) goes out as a plain frame, RSV1 clear, as ws does per send
            int inflated = (int) Math.min(Integer.MAX_VALUE, 2 * options.maxHttpBufferSize() + 1024);
            p.addLast("ws-deflate", new WebSocketServerExtensionHandler(
                    new PerMessageDeflateServerExtensionHandshaker(6, ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                            15, false, false, 15, 8, WsFrames.COMPRESS_FILTER, inflated),
                    new DeflateFrameServerExtensionHandshaker(6, 15, 8, WsFrames.COMPRESS_FILTER, inflated)));
        }
        p.addLast("engine", handler);
    }

    /** The bound port, or -1 before {@link #start}. */
    public int port() {
        return port;
    }

    /** The open sessions. */
    public Collection<EngineSocket> sockets() {
        return Collections.unmodifiableCollection(new ArrayList<>(sessions.values()));
    }

    /** The number of open sessions. */
    public int clientsCount() {
        return sessions.size();
    }

    /**
     * Closes every session ("server shutting down"), the listening channel and the event loops; idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            List<Session> all = new ArrayList<>(sessions.values());
            CountDownLatch done = new CountDownLatch(all.size());
            for (Session s : all) {
                try {
                    s.run(() -> {
                        try {
                            s.shutdown();
                        } finally {
                            done.countDown();
                        }
                    });
                } catch (RuntimeException e) {
                    done.countDown();
                }
            }
            // called from one of our own loops (e.g. a listener), waiting would deadlock: close without waiting
            boolean wait = !inOwnLoop();
            if (wait) {
                try {
                    done.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // after the sessions' last writes (close frames, close packets), which were queued first
            if (wait) {
                channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            } else {
                channels.close();
            }
            if (serverChannel != null) {
                serverChannel.close();
                if (wait) {
                    serverChannel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
            }
            shutdownGroups(wait);
        }
    }

    private boolean inOwnLoop() {
        for (EventLoopGroup g : new EventLoopGroup[] {bossGroup, workerGroup}) {
            if (g != null) {
                for (EventExecutor e : g) {
                    if (e.inEventLoop()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private void shutdownGroups(boolean wait) {
        Future<?> b = bossGroup == null || bossGroup == workerGroup ? null
                : bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        Future<?> w = workerGroup == null ? null : workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (wait && b != null) {
            b.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (wait && w != null) {
            w.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ internal

    List<HttpHandler> beforeHandlers() {
        return before;
    }

    List<HttpHandler> fallbackHandlers() {
        return fallback;
    }

    boolean hasConnectionErrorListeners() {
        return !connectionErrors.isEmpty();
    }

    void fireConnectionError(ConnectionError error) {
        for (Consumer<ConnectionError> l : connectionErrors) {
            try {
                l.accept(error);
            } catch (RuntimeException e) {
                log.warn("connection error listener threw", e);
            }
        }
    }

    boolean hasHeaderListeners() {
        return !initialHeaders.isEmpty() || !headers.isEmpty();
    }

    /** Calls the initial-headers listeners when {@code initial}, then the headers listeners; on the loop. */
    void fireHeaders(HttpHeaders h, EngineRequest request, boolean initial) {
        if (initial) {
            for (HeadersListener l : initialHeaders) {
                callHeaders(l, h, request);
            }
        }
        for (HeadersListener l : headers) {
            callHeaders(l, h, request);
        }
    }

    private static void callHeaders(HeadersListener l, HttpHeaders h, EngineRequest request) {
        try {
            l.onHeaders(h, request);
        } catch (RuntimeException e) {
            log.warn("headers listener threw", e);
        }
    }

    Session session(String sid) {
        return sessions.get(sid);
    }

    void register(Session s) {
        sessions.put(s.id, s);
    }

    void unregister(Session s) {
        sessions.remove(s.id, s);
    }

    boolean isClosed() {
        return closed;
    }

    /** Calls the connection listeners; on the session's loop. */
    void fireConnection(Session s) {
        for (Consumer<EngineSocket> l : connectionListeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                log.warn("connection listener threw for {}", s.id, e);
            }
        }
    }

    /** A new unguessable session id: 144 bits from SecureRandom, base64url without padding. */
    String newSessionId() {
        String id;
        do {
            id = SESSION_IDS.next();
        } while (sessions.containsKey(id));
        return id;
    }

    /** Thrown by {@link #start} when the address cannot be bound (e.g. the port is in use). */
    public static final class EngineBindException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EngineBindException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
