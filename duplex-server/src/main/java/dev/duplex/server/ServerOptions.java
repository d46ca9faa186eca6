package dev.duplex.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.adapter.AdapterFactory;
import dev.duplex.engine.AllowRequest;
import dev.duplex.engine.CookieOptions;
import dev.duplex.engine.CorsOptions;
import dev.duplex.engine.EngineOptions;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Immutable options of a {@link SocketIoServer}; made with {@link #builder()}. The engine options have the names
 * and defaults of {@link EngineOptions}, except {@link #path()} which defaults to {@code /socket.io/}.
 */
public final class ServerOptions {
    private final String path;
    private final boolean serveClient;
    private final Duration connectTimeout;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration upgradeTimeout;
    private final long maxHttpBufferSize;
    private final Set<String> transports;
    private final boolean allowUpgrades;
    private final CorsOptions cors;
    private final CookieOptions cookie;
    private final AllowRequest allowRequest;
    private final boolean perMessageDeflate;
    private final boolean httpCompression;
    private final int ioThreads;
    private final ObjectMapper objectMapper;
    private final Executor handlerExecutor;
    private final boolean handlersOnEventLoop;
    private final AdapterFactory adapter;
    private final int maxAttachments;

    private ServerOptions(Builder b) {
        this.path = normalise(b.path);
        this.serveClient = b.serveClient;
        this.connectTimeout = positive(b.connectTimeout, "connectTimeout");
        this.pingInterval = positive(b.pingInterval, "pingInterval");
        this.pingTimeout = positive(b.pingTimeout, "pingTimeout");
        this.upgradeTimeout = positive(b.upgradeTimeout, "upgradeTimeout");
        if (b.maxHttpBufferSize <= 0) {
            throw new IllegalArgumentException("maxHttpBufferSize must be positive");
        }
        this.maxHttpBufferSize = b.maxHttpBufferSize;
        this.transports = Set.copyOf(new LinkedHashSet<>(b.transports));
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("transports must not be empty");
        }
        this.allowUpgrades = b.allowUpgrades;
        this.cors = b.cors;
        this.cookie = b.cookie;
        this.allowRequest = b.allowRequest;
        this.perMessageDeflate = b.perMessageDeflate;
        this.httpCompression = b.httpCompression;
        this.ioThreads = b.ioThreads;
        this.objectMapper = b.objectMapper != null ? b.objectMapper : new ObjectMapper();
        this.handlerExecutor = b.handlerExecutor;
        this.handlersOnEventLoop = b.handlersOnEventLoop;
        this.adapter = b.adapter != null ? b.adapter : AdapterFactory.inMemory();
        if (b.maxAttachments < 0) {
            throw new IllegalArgumentException("maxAttachments must be >= 0");
        }
        this.maxAttachments = b.maxAttachments;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }

    private static String normalise(String p) {
        Objects.requireNonNull(p, "path");
        String s = p.startsWith("/") ? p : "/" + p;
        return s.endsWith("/") ? s : s + "/";
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
        b.path = path;
        b.serveClient = serveClient;
        b.connectTimeout = connectTimeout;
        b.pingInterval = pingInterval;
        b.pingTimeout = pingTimeout;
        b.upgradeTimeout = upgradeTimeout;
        b.maxHttpBufferSize = maxHttpBufferSize;
        b.transports = new LinkedHashSet<>(transports);
        b.allowUpgrades = allowUpgrades;
        b.cors = cors;
        b.cookie = cookie;
        b.allowRequest = allowRequest;
        b.perMessageDeflate = perMessageDeflate;
        b.httpCompression = httpCompression;
        b.ioThreads = ioThreads;
        b.objectMapper = objectMapper;
        b.handlerExecutor = handlerExecutor;
        b.handlersOnEventLoop = handlersOnEventLoop;
        b.adapter = adapter;
        b.maxAttachments = maxAttachments;
        return b;
    }

    /** The engine options derived from these. */
    public EngineOptions engineOptions() {
        return EngineOptions.builder()
                .path(path)
                .pingInterval(pingInterval)
                .pingTimeout(pingTimeout)
                .upgradeTimeout(upgradeTimeout)
                .maxHttpBufferSize(maxHttpBufferSize)
                .transports(transports)
                .allowUpgrades(allowUpgrades)
                .cors(cors)
                .cookie(cookie)
                .allowRequest(allowRequest)
                .perMessageDeflate(perMessageDeflate)
                .httpCompression(httpCompression)
                .ioThreads(ioThreads)
                .build();
    }

    /** The HTTP path, default {@code /socket.io/} (starts and ends with '/'). */
    public String path() {
        return path;
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
        return pingInterval;
    }

    /** Engine.IO ping timeout; default 20 s. */
    public Duration pingTimeout() {
        return pingTimeout;
    }

    /** Engine.IO upgrade timeout; default 10 s. */
    public Duration upgradeTimeout() {
        return upgradeTimeout;
    }

    /** Largest message or polling body; default 1 000 000 bytes. */
    public long maxHttpBufferSize() {
        return maxHttpBufferSize;
    }

    /** Allowed transports; default polling and websocket. */
    public Set<String> transports() {
        return transports;
    }

    /** Allow upgrades from polling to websocket; default true. */
    public boolean allowUpgrades() {
        return allowUpgrades;
    }

    /** CORS options, null for none (default). */
    public CorsOptions cors() {
        return cors;
    }

    /** Cookie options, null for none (default). */
    public CookieOptions cookie() {
        return cookie;
    }

    /** Handshake filter, null to allow all. */
    public AllowRequest allowRequest() {
        return allowRequest;
    }

    /** WebSocket per-message deflate; default false. */
    public boolean perMessageDeflate() {
        return perMessageDeflate;
    }

    /** Compression of polling responses; default true. */
    public boolean httpCompression() {
        return httpCompression;
    }

    /** Netty I/O threads, 0 = Netty's default. */
    public int ioThreads() {
        return ioThreads;
    }

    /** The Jackson mapper for arguments and typed handlers. */
    public ObjectMapper objectMapper() {
        return objectMapper;
    }

    /** The executor of user handlers, or null for the server's own pool. */
    public Executor handlerExecutor() {
        return handlerExecutor;
    }

    /** Run user handlers directly on the connection's Netty event loop (fast, but a slow handler stalls I/O). */
    public boolean handlersOnEventLoop() {
        return handlersOnEventLoop;
    }

    /** The adapter factory; default in-memory. */
    public AdapterFactory adapter() {
        return adapter;
    }

    /** Largest number of binary attachments in one packet; default 10. */
    public int maxAttachments() {
        return maxAttachments;
    }

    /** Builder of {@link ServerOptions}. */
    public static final class Builder {
        private String path = "/socket.io/";
        private boolean serveClient = true;
        private Duration connectTimeout = Duration.ofSeconds(45);
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration upgradeTimeout = Duration.ofSeconds(10);
        private long maxHttpBufferSize = 1_000_000;
        private Set<String> transports = new LinkedHashSet<>(Set.of("polling", "websocket"));
        private boolean allowUpgrades = true;
        private CorsOptions cors;
        private CookieOptions cookie;
        private AllowRequest allowRequest;
        private boolean perMessageDeflate;
        private boolean httpCompression = true;
        private int ioThreads;
        private ObjectMapper objectMapper;
        private Executor handlerExecutor;
        private boolean handlersOnEventLoop;
        private AdapterFactory adapter;
        private int maxAttachments = 10;

        private Builder() {
        }

        /** @see ServerOptions#path() */
        public Builder path(String value) {
            this.path = value;
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

        /** @see ServerOptions#pingInterval() */
        public Builder pingInterval(Duration value) {
            this.pingInterval = value;
            return this;
        }

        /** @see ServerOptions#pingTimeout() */
        public Builder pingTimeout(Duration value) {
            this.pingTimeout = value;
            return this;
        }

        /** @see ServerOptions#upgradeTimeout() */
        public Builder upgradeTimeout(Duration value) {
            this.upgradeTimeout = value;
            return this;
        }

        /** @see ServerOptions#maxHttpBufferSize() */
        public Builder maxHttpBufferSize(long value) {
            this.maxHttpBufferSize = value;
            return this;
        }

        /** @see ServerOptions#transports() */
        public Builder transports(Set<String> value) {
            this.transports = new LinkedHashSet<>(value);
            return this;
        }

        /** @see ServerOptions#transports() */
        public Builder transports(String... value) {
            this.transports = new LinkedHashSet<>(java.util.Arrays.asList(value));
            return this;
        }

        /** @see ServerOptions#allowUpgrades() */
        public Builder allowUpgrades(boolean value) {
            this.allowUpgrades = value;
            return this;
        }

        /** @see ServerOptions#cors() */
        public Builder cors(CorsOptions value) {
            this.cors = value;
            return this;
        }

        /** @see ServerOptions#cookie() */
        public Builder cookie(CookieOptions value) {
            this.cookie = value;
            return this;
        }

        /** @see ServerOptions#allowRequest() */
        public Builder allowRequest(AllowRequest value) {
            this.allowRequest = value;
            return this;
        }

        /** @see ServerOptions#perMessageDeflate() */
        public Builder perMessageDeflate(boolean value) {
            this.perMessageDeflate = value;
            return this;
        }

        /** @see ServerOptions#httpCompression() */
        public Builder httpCompression(boolean value) {
            this.httpCompression = value;
            return this;
        }

        /** @see ServerOptions#ioThreads() */
        public Builder ioThreads(int value) {
            this.ioThreads = value;
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
            this.handlersOnEventLoop = value;
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

        /** The options. */
        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
