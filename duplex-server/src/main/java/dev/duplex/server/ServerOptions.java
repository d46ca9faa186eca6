package dev.duplex.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.protocol.socketio.PacketParser;
import dev.duplex.adapter.AdapterFactory;
import dev.duplex.engine.AllowRequest;
import dev.duplex.engine.CookieOptions;
import dev.duplex.engine.CorsOptions;
import dev.duplex.engine.EngineOptions;
import dev.duplex.engine.EngineRequest;
import dev.duplex.engine.IoTransport;

import io.netty.handler.ssl.SslContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Immutable options of a {@link SocketIoServer}; made with {@link #builder()}. The engine options have the names
 * and defaults of {@link EngineOptions}, except {@link #path()} which defaults to {@code /socket.io/}.
 */
public final class ServerOptions {
    private final EngineOptions engine;
    private final boolean serveClient;
    private final Duration connectTimeout;
    private final ObjectMapper objectMapper;
    private final Executor handlerExecutor;
    private final HandlerMode handlerMode;
    private final AdapterFactory adapter;
    private final int maxAttachments;
    private final Instrumentation instrumentation;
    private final ConnectionStateRecovery connectionStateRecovery;
    private final boolean cleanupEmptyChildNamespaces;
    private final int handlerThreads;
    private final PacketParser parser;

    private ServerOptions(Builder b) {
        this.engine = b.engine.build();
        this.serveClient = b.serveClient;
        this.connectTimeout = positive(b.connectTimeout, "connectTimeout");
        this.objectMapper = b.objectMapper != null ? b.objectMapper : new ObjectMapper();
        this.handlerExecutor = b.handlerExecutor;
        this.handlerMode = b.handlerMode;
        this.adapter = b.adapter != null ? b.adapter : AdapterFactory.inMemory();
        if (b.maxAttachments < 0) {
            throw new IllegalArgumentException("maxAttachments must be >= 0");
        }
        this.maxAttachments = b.maxAttachments;
        this.instrumentation = b.instrumentation;
        this.connectionStateRecovery = b.connectionStateRecovery;
        this.cleanupEmptyChildNamespaces = b.cleanupEmptyChildNamespaces;
        if (b.handlerThreads < 0) {
            throw new IllegalArgumentException("handlerThreads must be >= 0");
        }
        this.handlerThreads = b.handlerThreads;
        this.parser = b.parser != null ? b.parser : PacketParser.defaultParser();
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static ServerOptions defaults() {
        return builder().build();
    }

    /** A builder initialised with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.engine = engine.toBuilder();
        b.serveClient = serveClient;
        b.connectTimeout = connectTimeout;
        b.objectMapper = objectMapper;
        b.handlerExecutor = handlerExecutor;
        b.handlerMode = handlerMode;
        b.adapter = adapter;
        b.maxAttachments = maxAttachments;
        b.instrumentation = instrumentation;
        b.connectionStateRecovery = connectionStateRecovery;
        b.cleanupEmptyChildNamespaces = cleanupEmptyChildNamespaces;
        b.handlerThreads = handlerThreads;
        b.parser = parser;
        return b;
    }

    /** The engine options: every Engine.IO option of these, validated by {@link EngineOptions.Builder}. */
    public EngineOptions engineOptions() {
        return engine;
    }

    /** The HTTP path, default {@code /socket.io/} (starts and ends with '/'). */
    public String path() {
        return engine.path();
    }

    /** Whether the path's trailing slash must be in the request URI; default true. See {@link EngineOptions}. */
    public boolean addTrailingSlash() {
        return engine.addTrailingSlash();
    }

    /** Serve the client script at {@code <path>socket.io.js}; default true. */
    public boolean serveClient() {
        return serveClient;
    }

    /** Time a connection has to connect to a namespace before it is closed; default 45 s. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Engine.IO ping interval; default 25 s. */
    public Duration pingInterval() {
        return engine.pingInterval();
    }

    /** Engine.IO ping timeout; default 20 s. */
    public Duration pingTimeout() {
        return engine.pingTimeout();
    }

    /** Engine.IO upgrade timeout; default 10 s. */
    public Duration upgradeTimeout() {
        return engine.upgradeTimeout();
    }

    /** Largest message or polling body; default 1 000 000 bytes. */
    public long maxHttpBufferSize() {
        return engine.maxHttpBufferSize();
    }

    /** Allowed transports; default polling and websocket. */
    public Set<String> transports() {
        return engine.transports();
    }

    /** Allow upgrades from polling to websocket; default true. */
    public boolean allowUpgrades() {
        return engine.allowUpgrades();
    }

    /**
     * Whether Socket.IO v2 clients (Engine.IO protocol v3 and Socket.IO protocol v4: socket.io-client 2.x,
     * socket.io-client-java 1.x) may connect, as socket.io's {@code allowEIO3}; default false. Their sessions are
     * connected to {@code "/"} at once, a namespace CONNECT's query is its auth, a socket's id is the Engine.IO id
     * (and {@code nsp#id} outside {@code "/"}), and connection state recovery does not apply to them. See
     * {@link dev.duplex.engine.EngineOptions#allowEIO3()}.
     */
    public boolean allowEIO3() {
        return engine.allowEIO3();
    }

    /** CORS options, null for none (default). */
    public CorsOptions cors() {
        return engine.cors();
    }

    /** Cookie options, null for none (default). */
    public CookieOptions cookie() {
        return engine.cookie();
    }

    /** Handshake filter, null to allow all. */
    public AllowRequest allowRequest() {
        return engine.allowRequest();
    }

    /** How long a handshake waits for {@link #allowRequest()}'s answer before it is refused; default 10 s. */
    public Duration allowRequestTimeout() {
        return engine.allowRequestTimeout();
    }

    /** The Engine.IO session id generator, null for random ids (default). See {@link EngineOptions#generateId()}. */
    public Function<EngineRequest, String> generateId() {
        return engine.generateId();
    }

    /** WebSocket per-message deflate; default false. */
    public boolean perMessageDeflate() {
        return engine.perMessageDeflate();
    }

    /** Compression of polling responses; default true. */
    public boolean httpCompression() {
        return engine.httpCompression();
    }

    /** Netty I/O threads, 0 = Netty's default. */
    public int ioThreads() {
        return engine.ioThreads();
    }

    /** The Netty transport; default {@link IoTransport#AUTO} (io_uring when available, else epoll, else NIO). */
    public IoTransport ioTransport() {
        return engine.ioTransport();
    }

    /** The TLS context for HTTPS and WSS, or null for plain HTTP (default). */
    public SslContext ssl() {
        return engine.ssl();
    }

    /** The Jackson mapper for arguments and typed handlers. */
    public ObjectMapper objectMapper() {
        return objectMapper;
    }

    /**
     * The executor of user handlers, or null for the server's own pool. Each connection's handlers run on it one at
     * a time, so a handler that blocks holds one of its threads: with an executor that grows as needed (e.g. a
     * cached thread pool) a blocking handler delays only its own connection.
     */
    public Executor handlerExecutor() {
        return handlerExecutor;
    }

    /**
     * Threads of the server's own handler pool (used without {@link #handlerExecutor()}); 0 (the default) means
     * {@code max(4, 2 x cores)}. Every handler that blocks holds one of them until it returns; when all are held,
     * the handlers of every other connection wait. Run blocking handlers with
     * {@link Socket#on(String, java.util.concurrent.Executor, EventHandler)} instead.
     */
    public int handlerThreads() {
        return handlerThreads;
    }

    /**
     * Whether user handlers were set to run directly on the connection's Netty event loop
     * ({@link HandlerMode#EVENT_LOOP}: fast, but a slow handler stalls I/O). With the default
     * {@link HandlerMode#AUTO} this is false, yet a single-CPU server runs them there: see {@link #handlerMode()}.
     */
    public boolean handlersOnEventLoop() {
        return handlerMode == HandlerMode.EVENT_LOOP;
    }

    /** Where user handlers run; default {@link HandlerMode#AUTO}. */
    public HandlerMode handlerMode() {
        return handlerMode;
    }

    /** Whether handlers run on the event loops on a machine with {@code cpus} CPUs (resolves {@link HandlerMode#AUTO}). */
    boolean runsHandlersOnEventLoop(int cpus) {
        return switch (handlerMode) {
            case EVENT_LOOP -> true;
            case POOL -> false;
            case AUTO -> cpus == 1 && handlerExecutor == null && handlerThreads == 0;
        };
    }

    /** The adapter factory; default in-memory. */
    public AdapterFactory adapter() {
        return adapter;
    }

    /** Largest number of binary attachments in one packet; default 10. */
    public int maxAttachments() {
        return maxAttachments;
    }

    /** Outbound limit per connection in bytes; default 8 MiB (see {@link EngineOptions#maxBufferedBytes()}). */
    public long maxBufferedBytes() {
        return engine.maxBufferedBytes();
    }

    /** Longest HTTP request line in bytes; default 16 KiB (longer: 414). */
    public int maxRequestLineLength() {
        return engine.maxRequestLineLength();
    }

    /** Largest HTTP header block in bytes; default 16 KiB (larger: 431). */
    public int maxHeaderSize() {
        return engine.maxHeaderSize();
    }

    /** Time to send complete request headers; default 60 s (later: 408). */
    public Duration headersTimeout() {
        return engine.headersTimeout();
    }

    /** Time to send a complete request; default 300 s (later: 408). */
    public Duration requestTimeout() {
        return engine.requestTimeout();
    }

    /** Idle time allowed between HTTP requests on one connection; default 5 s. */
    public Duration keepAliveTimeout() {
        return engine.keepAliveTimeout();
    }

    /** Write-buffer high water mark per connection in bytes; default 64 KiB (low: 32 KiB). */
    public int writeBufferHighWaterMark() {
        return engine.writeBufferHighWaterMark();
    }

    /** Write-buffer low water mark per connection in bytes; default 32 KiB. */
    public int writeBufferLowWaterMark() {
        return engine.writeBufferLowWaterMark();
    }

    /** The metrics hooks, or null for none (default): see {@link Instrumentation}. */
    public Instrumentation instrumentation() {
        return instrumentation;
    }

    /** Connection state recovery, or null when off (the default). */
    public ConnectionStateRecovery connectionStateRecovery() {
        return connectionStateRecovery;
    }

    /**
     * socket.io's {@code parser} option: the packet format of every connection, by default socket.io-parser's
     * ({@link PacketParser#defaultParser()}); e.g. {@code MsgpackParser} of the {@code duplex-msgpack} module for
     * clients using {@code socket.io-msgpack-parser}. Clients must use the same parser.
     */
    public PacketParser parser() {
        return parser;
    }

    /**
     * socket.io's {@code cleanupEmptyChildNamespaces}: a child namespace created by a dynamic namespace
     * ({@link SocketIoServer#of(java.util.regex.Pattern)}) is removed, and its adapter closed, when its last socket
     * disconnects; a later connection to that name creates it again. Default false (children are kept).
     */
    public boolean cleanupEmptyChildNamespaces() {
        return cleanupEmptyChildNamespaces;
    }

    /** Builder of {@link ServerOptions}. The Engine.IO options are checked as they are set. */
    public static final class Builder {
        private EngineOptions.Builder engine = EngineOptions.builder().path("/socket.io/");
        private boolean serveClient = true;
        private Duration connectTimeout = Duration.ofSeconds(45);
        private ObjectMapper objectMapper;
        private Executor handlerExecutor;
        private HandlerMode handlerMode = HandlerMode.AUTO;
        private AdapterFactory adapter;
        private int maxAttachments = 10;
        private Instrumentation instrumentation;
        private ConnectionStateRecovery connectionStateRecovery;
        private boolean cleanupEmptyChildNamespaces;
        private int handlerThreads;
        private PacketParser parser;

        private Builder() {
        }

        /** @see ServerOptions#path() */
        public Builder path(String value) {
            engine.path(value);
            return this;
        }

        /** @see ServerOptions#addTrailingSlash() */
        public Builder addTrailingSlash(boolean value) {
            engine.addTrailingSlash(value);
            return this;
        }

        /** @see ServerOptions#serveClient() */
        public Builder serveClient(boolean value) {
            this.serveClient = value;
            return this;
        }

        /** @see ServerOptions#connectTimeout() */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /**
         * HTTPS and WSS with this server-side TLS context.
         *
         * @see EngineOptions.Builder#ssl(SslContext)
         */
        public Builder ssl(SslContext context) {
            engine.ssl(context);
            return this;
        }

        /**
         * HTTPS and WSS with a PEM certificate chain and PEM (PKCS#8) private key.
         *
         * @see EngineOptions.Builder#ssl(Path, Path)
         */
        public Builder ssl(Path certificateChainPem, Path privateKeyPem) {
            engine.ssl(certificateChainPem, privateKeyPem);
            return this;
        }

        /** @see ServerOptions#pingInterval() */
        public Builder pingInterval(Duration value) {
            engine.pingInterval(value);
            return this;
        }

        /** @see ServerOptions#pingTimeout() */
        public Builder pingTimeout(Duration value) {
            engine.pingTimeout(value);
            return this;
        }

        /** @see ServerOptions#upgradeTimeout() */
        public Builder upgradeTimeout(Duration value) {
            engine.upgradeTimeout(value);
            return this;
        }

        /** @see ServerOptions#maxHttpBufferSize() */
        public Builder maxHttpBufferSize(long value) {
            engine.maxHttpBufferSize(value);
            return this;
        }

        /** @see ServerOptions#transports() */
        public Builder transports(Set<String> value) {
            engine.transports(value);
            return this;
        }

        /** @see ServerOptions#transports() */
        public Builder transports(String... value) {
            engine.transports(new LinkedHashSet<>(Arrays.asList(value)));
            return this;
        }

        /** @see ServerOptions#allowUpgrades() */
        public Builder allowUpgrades(boolean value) {
            engine.allowUpgrades(value);
            return this;
        }

        /** @see ServerOptions#allowEIO3() */
        public Builder allowEIO3(boolean value) {
            engine.allowEIO3(value);
            return this;
        }

        /** @see ServerOptions#cors() */
        public Builder cors(CorsOptions value) {
            engine.cors(value);
            return this;
        }

        /** @see ServerOptions#cookie() */
        public Builder cookie(CookieOptions value) {
            engine.cookie(value);
            return this;
        }

        /** @see ServerOptions#allowRequest() */
        public Builder allowRequest(AllowRequest value) {
            engine.allowRequest(value);
            return this;
        }

        /** @see ServerOptions#allowRequestTimeout() */
        public Builder allowRequestTimeout(Duration value) {
            engine.allowRequestTimeout(value);
            return this;
        }

        /** @see ServerOptions#generateId() */
        public Builder generateId(Function<EngineRequest, String> generator) {
            engine.generateId(generator);
            return this;
        }

        /** @see ServerOptions#perMessageDeflate() */
        public Builder perMessageDeflate(boolean value) {
            engine.perMessageDeflate(value);
            return this;
        }

        /** @see ServerOptions#httpCompression() */
        public Builder httpCompression(boolean value) {
            engine.httpCompression(value);
            return this;
        }

        /** @see ServerOptions#ioThreads() */
        public Builder ioThreads(int value) {
            engine.ioThreads(value);
            return this;
        }

        /** @see ServerOptions#ioTransport() */
        public Builder ioTransport(IoTransport value) {
            engine.ioTransport(value);
            return this;
        }

        /** @see ServerOptions#maxBufferedBytes() */
        public Builder maxBufferedBytes(long value) {
            engine.maxBufferedBytes(value);
            return this;
        }

        /** @see ServerOptions#maxRequestLineLength() */
        public Builder maxRequestLineLength(int value) {
            engine.maxRequestLineLength(value);
            return this;
        }

        /** @see ServerOptions#maxHeaderSize() */
        public Builder maxHeaderSize(int value) {
            engine.maxHeaderSize(value);
            return this;
        }

        /** @see ServerOptions#headersTimeout() */
        public Builder headersTimeout(Duration value) {
            engine.headersTimeout(value);
            return this;
        }

        /** @see ServerOptions#requestTimeout() */
        public Builder requestTimeout(Duration value) {
            engine.requestTimeout(value);
            return this;
        }

        /** @see ServerOptions#keepAliveTimeout() */
        public Builder keepAliveTimeout(Duration value) {
            engine.keepAliveTimeout(value);
            return this;
        }

        /** @see ServerOptions#writeBufferHighWaterMark() */
        public Builder writeBufferWaterMark(int low, int high) {
            engine.writeBufferWaterMark(low, high);
            return this;
        }

        /** @see ServerOptions#objectMapper() */
        public Builder objectMapper(ObjectMapper value) {
            this.objectMapper = value;
            return this;
        }

        /** @see ServerOptions#handlerExecutor() */
        public Builder handlerExecutor(Executor value) {
            this.handlerExecutor = value;
            return this;
        }

        /** @see ServerOptions#handlersOnEventLoop() */
        public Builder handlersOnEventLoop(boolean value) {
            this.handlerMode = value ? HandlerMode.EVENT_LOOP : HandlerMode.POOL;
            return this;
        }

        /** @see ServerOptions#handlerMode() */
        public Builder handlerMode(HandlerMode value) {
            this.handlerMode = Objects.requireNonNull(value, "handlerMode");
            return this;
        }

        /** @see ServerOptions#adapter() */
        public Builder adapter(AdapterFactory value) {
            this.adapter = value;
            return this;
        }

        /** @see ServerOptions#maxAttachments() */
        public Builder maxAttachments(int value) {
            this.maxAttachments = value;
            return this;
        }

        /** @see ServerOptions#parser() */
        public Builder parser(PacketParser value) {
            this.parser = java.util.Objects.requireNonNull(value, "parser");
            return this;
        }

        /** @see ServerOptions#instrumentation() */
        public Builder instrumentation(Instrumentation value) {
            this.instrumentation = value;
            return this;
        }

        /** Turns connection state recovery on (null: off). @see ServerOptions#connectionStateRecovery() */
        public Builder connectionStateRecovery(ConnectionStateRecovery value) {
            this.connectionStateRecovery = value;
            return this;
        }

        /** @see ServerOptions#handlerThreads() */
        public Builder handlerThreads(int value) {
            this.handlerThreads = value;
            return this;
        }

        /** @see ServerOptions#cleanupEmptyChildNamespaces() */
        public Builder cleanupEmptyChildNamespaces(boolean value) {
            this.cleanupEmptyChildNamespaces = value;
            return this;
        }

        /** The options. */
        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
