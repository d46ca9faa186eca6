package dev.duplex.engine;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The options of an {@link EngineServer}, with engine.io's names and defaults. Immutable; made with
 * {@link #builder()} or {@link #toBuilder()}.
 */
public final class EngineOptions {
    private static final EngineOptions DEFAULTS = builder().build();

    private final String path;
    private final boolean addTrailingSlash;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration upgradeTimeout;
    private final long maxHttpBufferSize;
    private final Set<String> transports;
    private final boolean allowUpgrades;
    private final boolean allowEIO3;
    private final CorsOptions cors;
    private final CookieOptions cookie;
    private final AllowRequest allowRequest;
    private final Duration allowRequestTimeout;
    private final Function<EngineRequest, String> generateId;
    private final boolean perMessageDeflate;
    private final boolean httpCompression;
    private final int ioThreads;
    private final IoTransport ioTransport;
    private final long maxBufferedBytes;
    private final int writeBufferLowWaterMark;
    private final int writeBufferHighWaterMark;
    private final int maxRequestLineLength;
    private final int maxHeaderSize;
    private final Duration headersTimeout;
    private final Duration requestTimeout;
    private final Duration keepAliveTimeout;
    private final SslContext ssl;

    private EngineOptions(Builder b) {
        this.path = normalisePath(b.path);
        this.addTrailingSlash = b.addTrailingSlash;
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.upgradeTimeout = b.upgradeTimeout;
        this.maxHttpBufferSize = b.maxHttpBufferSize;
        this.transports = Set.copyOf(b.transports);
        this.allowUpgrades = b.allowUpgrades;
        this.allowEIO3 = b.allowEIO3;
        this.cors = b.cors;
        this.cookie = b.cookie;
        this.allowRequest = b.allowRequest;
        this.allowRequestTimeout = b.allowRequestTimeout;
        this.generateId = b.generateId;
        this.perMessageDeflate = b.perMessageDeflate;
        this.httpCompression = b.httpCompression;
        this.ioThreads = b.ioThreads;
        this.ioTransport = b.ioTransport;
        this.maxBufferedBytes = b.maxBufferedBytes;
        if (b.writeBufferLowWaterMark > b.writeBufferHighWaterMark) {
            throw new IllegalArgumentException("writeBufferLowWaterMark " + b.writeBufferLowWaterMark
                    + " > writeBufferHighWaterMark " + b.writeBufferHighWaterMark);
        }
        this.writeBufferLowWaterMark = b.writeBufferLowWaterMark;
        this.writeBufferHighWaterMark = b.writeBufferHighWaterMark;
        this.maxRequestLineLength = b.maxRequestLineLength;
        this.maxHeaderSize = b.maxHeaderSize;
        this.headersTimeout = b.headersTimeout;
        this.requestTimeout = b.requestTimeout;
        this.keepAliveTimeout = b.keepAliveTimeout;
        this.ssl = b.ssl;
    }

    static String normalisePath(String p) {
        String s = p == null || p.isEmpty() ? "/" : p;
        if (s.charAt(0) != '/') {
            s = "/" + s;
        }
        if (s.charAt(s.length() - 1) != '/') {
            s = s + "/";
        }
        return s;
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default options. */
    public static EngineOptions defaults() {
        return DEFAULTS;
    }

    /** A builder initialised with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.path = path;
        b.addTrailingSlash = addTrailingSlash;
        b.pingInterval = pingInterval;
        b.pingTimeout = pingTimeout;
        b.upgradeTimeout = upgradeTimeout;
        b.maxHttpBufferSize = maxHttpBufferSize;
        b.transports = new LinkedHashSet<>(transports);
        b.allowUpgrades = allowUpgrades;
        b.allowEIO3 = allowEIO3;
        b.cors = cors;
        b.cookie = cookie;
        b.allowRequest = allowRequest;
        b.allowRequestTimeout = allowRequestTimeout;
        b.generateId = generateId;
        b.perMessageDeflate = perMessageDeflate;
        b.httpCompression = httpCompression;
        b.ioThreads = ioThreads;
        b.ioTransport = ioTransport;
        b.maxBufferedBytes = maxBufferedBytes;
        b.writeBufferLowWaterMark = writeBufferLowWaterMark;
        b.writeBufferHighWaterMark = writeBufferHighWaterMark;
        b.maxRequestLineLength = maxRequestLineLength;
        b.maxHeaderSize = maxHeaderSize;
        b.headersTimeout = headersTimeout;
        b.requestTimeout = requestTimeout;
        b.keepAliveTimeout = keepAliveTimeout;
        b.ssl = ssl;
        return b;
    }

    /**
     * The TLS context the server terminates HTTPS and WSS with, or {@code null} for plain HTTP and WS (default).
     */
    public SslContext ssl() {
        return ssl;
    }

    /** The request path (default {@code /engine.io/}), always starting and ending with {@code '/'}. */
    public String path() {
        return path;
    }

    /**
     * Whether only request URIs starting with {@link #path()}, its trailing slash included, are the engine's
     * (default true, engine.io's {@code addTrailingSlash}): {@code /engine.io?EIO=4} is then not the engine's.
     * When false, the path without its trailing slash is the prefix, as engine.io matches it: {@code /engine.io?EIO=4}
     * and {@code /engine.io/?EIO=4} are both the engine's (and so is anything else that starts with
     * {@code /engine.io}).
     */
    public boolean addTrailingSlash() {
        return addTrailingSlash;
    }

    /** The interval between server pings (default 25 s). */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** How long to wait for a pong before closing with "ping timeout" (default 20 s). */
    public Duration pingTimeout() {
        return pingTimeout;
    }

    /** How long an upgrade may take before it is cancelled (default 10 s). */
    public Duration upgradeTimeout() {
        return upgradeTimeout;
    }

    /** The largest accepted message or POST body, in bytes, sent as {@code maxPayload} (default 1 000 000). */
    public long maxHttpBufferSize() {
        return maxHttpBufferSize;
    }

    /** The allowed transports (default {@code polling} and {@code websocket}). */
    public Set<String> transports() {
        return transports;
    }

    /** Whether polling sessions may upgrade to WebSocket (default true). */
    public boolean allowUpgrades() {
        return allowUpgrades;
    }

    /**
     * Whether to accept Engine.IO protocol v3 clients (engine.io's {@code allowEIO3}, default false): Socket.IO v2
     * clients (socket.io-client 2.x, socket.io-client-java 1.x). Their sessions speak v3 (the client pings, v3
     * payload encodings) over WebSocket and HTTP long-polling; JSONP polling ({@code j=}) is not supported. When
     * false, a handshake with {@code EIO=3} (or any version but 4) is refused with code 5, "Unsupported protocol
     * version".
     */
    public boolean allowEIO3() {
        return allowEIO3;
    }

    /** The CORS settings, or {@code null} for no CORS headers (default). */
    public CorsOptions cors() {
        return cors;
    }

    /** The session cookie settings, or {@code null} for no cookie (default). */
    public CookieOptions cookie() {
        return cookie;
    }

    /** The handshake filter, or {@code null} to allow all (default). */
    public AllowRequest allowRequest() {
        return allowRequest;
    }

    /**
     * How long a handshake waits for {@link #allowRequest()}'s answer (default 10 s); without one by then the
     * request is refused as a refusal is (403 {@code {"code":4,"message":"Forbidden"}}, or 400 for a WebSocket
     * upgrade) rather than held open. engine.io has no such limit.
     */
    public Duration allowRequestTimeout() {
        return allowRequestTimeout;
    }

    /**
     * The session id generator (engine.io's {@code generateId}), or {@code null} for the default: 24 random
     * characters (144 bits from {@code SecureRandom}). Called on the connection's event loop with the handshake
     * request, after {@link #allowRequest()} accepted it, e.g. to put a node name in the id for a load balancer.
     * An id must be 1 to 128 of the characters {@code A-Z a-z 0-9 - _ . ~} (it travels in URLs and cookies) and
     * unique among the live sessions; otherwise, or when the generator throws, the handshake is refused with 400
     * {@code {"code":3,"message":"Bad request"}} and a connection error {@code ID_GENERATION_ERROR}. This is the
     * Engine.IO session id ({@code EngineSocket.id()}, the client's {@code socket.io.engine.id}); Socket.IO socket
     * ids stay random, as in socket.io.
     */
    public Function<EngineRequest, String> generateId() {
        return generateId;
    }

    /** Whether WebSocket permessage-deflate is negotiated (default false). */
    public boolean perMessageDeflate() {
        return perMessageDeflate;
    }

    /** Whether polling responses above 1024 bytes are gzip/deflate-compressed per Accept-Encoding (default true). */
    public boolean httpCompression() {
        return httpCompression;
    }

    /** The number of I/O threads, 0 for Netty's default (default 0). */
    public int ioThreads() {
        return ioThreads;
    }

    /** The Netty transport of the I/O threads (default {@link IoTransport#AUTO}: io_uring, else epoll, else NIO). */
    public IoTransport ioTransport() {
        return ioTransport;
    }

    /**
     * The most bytes Duplex queues for one connection that the client does not read fast enough (messages waiting
     * for the socket to become writable, or for the next long-poll GET), default 8 MiB. Past it the session is
     * closed with the reason {@value Session#BUFFER_FULL} and a warning is logged; volatile packets are dropped
     * before that, as soon as the connection is not writable. Node's socket.io has no such limit.
     */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** The Netty write-buffer low water mark of each connection, in bytes (default 32 KiB). */
    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    /**
     * The Netty write-buffer high water mark of each connection, in bytes (default 64 KiB): above it the
     * connection is not writable, Duplex stops writing to it and stops reading from it until it drains below the
     * low water mark.
     */
    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    /** The longest accepted HTTP request line, in bytes (default 16 KiB); longer: {@code 414}, connection closed. */
    public int maxRequestLineLength() {
        return maxRequestLineLength;
    }

    /** The largest accepted HTTP header block, in bytes (default 16 KiB, Node's); larger: {@code 431}, closed. */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /**
     * How long a client may take to send a request's complete headers, counted from the connection or the end of
     * the previous response (default 60 s, Node's {@code headersTimeout}); later: {@code 408}, connection closed.
     */
    public Duration headersTimeout() {
        return headersTimeout;
    }

    /**
     * How long a client may take to send a complete request, headers and body (default 300 s, Node's
     * {@code requestTimeout}); later: {@code 408}, connection closed.
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How long an HTTP connection may stay idle between requests, with no request in progress (default 5 s, Node's
     * {@code keepAliveTimeout}); then it is closed. WebSocket connections have the heartbeat instead.
     */
    public Duration keepAliveTimeout() {
        return keepAliveTimeout;
    }

    /** Builder of {@link EngineOptions}; method names are the getters'. */
    public static final class Builder {
        private String path = "/engine.io/";
        private boolean addTrailingSlash = true;
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration upgradeTimeout = Duration.ofSeconds(10);
        private long maxHttpBufferSize = 1_000_000;
        private Set<String> transports = new LinkedHashSet<>(Set.of("polling", "websocket"));
        private boolean allowUpgrades = true;
        private boolean allowEIO3;
        private CorsOptions cors;
        private CookieOptions cookie;
        private AllowRequest allowRequest;
        private Duration allowRequestTimeout = Duration.ofSeconds(10);
        private Function<EngineRequest, String> generateId;
        private boolean perMessageDeflate;
        private boolean httpCompression = true;
        private int ioThreads;
        private IoTransport ioTransport = IoTransport.AUTO;
        private long maxBufferedBytes = 8L << 20;
        private int writeBufferLowWaterMark = 32 << 10;
        private int writeBufferHighWaterMark = 64 << 10;
        private int maxRequestLineLength = 16 << 10;
        private int maxHeaderSize = 16 << 10;
        private Duration headersTimeout = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(300);
        private Duration keepAliveTimeout = Duration.ofSeconds(5);
        private SslContext ssl;

        private Builder() {
        }

        /** The outbound limit per connection in bytes (default 8 MiB). */
        public Builder maxBufferedBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBufferedBytes must be positive");
            }
            this.maxBufferedBytes = bytes;
            return this;
        }

        /** The write-buffer water marks per connection in bytes (default 32 KiB and 64 KiB). */
        public Builder writeBufferWaterMark(int low, int high) {
            if (low <= 0 || high < low) {
                throw new IllegalArgumentException("need 0 < low <= high: " + low + ", " + high);
            }
            this.writeBufferLowWaterMark = low;
            this.writeBufferHighWaterMark = high;
            return this;
        }

        /** The longest HTTP request line in bytes (default 16 KiB). */
        public Builder maxRequestLineLength(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxRequestLineLength < 64: " + bytes);
            }
            this.maxRequestLineLength = bytes;
            return this;
        }

        /** The largest HTTP header block in bytes (default 16 KiB). */
        public Builder maxHeaderSize(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxHeaderSize < 64: " + bytes);
            }
            this.maxHeaderSize = bytes;
            return this;
        }

        /** The time to send complete headers (default 60 s). */
        public Builder headersTimeout(Duration d) {
            this.headersTimeout = positive(d, "headersTimeout");
            return this;
        }

        /** The time to send a complete request (default 300 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "requestTimeout");
            return this;
        }

        /** The idle time allowed between requests on one HTTP connection (default 5 s). */
        public Builder keepAliveTimeout(Duration d) {
            this.keepAliveTimeout = positive(d, "keepAliveTimeout");
            return this;
        }

        /** The request path (default {@code /engine.io/}). */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Whether the path's trailing slash is part of what a request must start with (default true). */
        public Builder addTrailingSlash(boolean value) {
            this.addTrailingSlash = value;
            return this;
        }

        /** The ping interval (default 25 s). */
        public Builder pingInterval(Duration d) {
            this.pingInterval = positive(d, "pingInterval");
            return this;
        }

        /** The ping timeout (default 20 s). */
        public Builder pingTimeout(Duration d) {
            this.pingTimeout = positive(d, "pingTimeout");
            return this;
        }

        /** The upgrade timeout (default 10 s). */
        public Builder upgradeTimeout(Duration d) {
            this.upgradeTimeout = positive(d, "upgradeTimeout");
            return this;
        }

        /** The largest message or POST body in bytes (default 1 000 000). */
        public Builder maxHttpBufferSize(long bytes) {
            if (bytes <= 0 || bytes > Integer.MAX_VALUE - 1024) {
                throw new IllegalArgumentException("maxHttpBufferSize out of range: " + bytes);
            }
            this.maxHttpBufferSize = bytes;
            return this;
        }

        /** The allowed transports, among {@code polling} and {@code websocket} (default both). */
        public Builder transports(Set<String> transports) {
            for (String t : transports) {
                if (!"polling".equals(t) && !"websocket".equals(t)) {
                    throw new IllegalArgumentException("unknown transport: " + t);
                }
            }
            if (transports.isEmpty()) {
                throw new IllegalArgumentException("no transport");
            }
            this.transports = new LinkedHashSet<>(transports);
            return this;
        }

        /** Whether upgrades are allowed (default true). */
        public Builder allowUpgrades(boolean allow) {
            this.allowUpgrades = allow;
            return this;
        }

        /** Whether to accept Engine.IO v3 (Socket.IO v2) clients (default false); see {@link EngineOptions#allowEIO3()}. */
        public Builder allowEIO3(boolean allow) {
            this.allowEIO3 = allow;
            return this;
        }

        /** CORS settings (default {@code null}: none). */
        public Builder cors(CorsOptions cors) {
            this.cors = cors;
            return this;
        }

        /** Cookie settings (default {@code null}: none). */
        public Builder cookie(CookieOptions cookie) {
            this.cookie = cookie;
            return this;
        }

        /** Handshake filter (default {@code null}: allow all). */
        public Builder allowRequest(AllowRequest allowRequest) {
            this.allowRequest = allowRequest;
            return this;
        }

        /** How long a handshake waits for the handshake filter's answer (default 10 s). */
        public Builder allowRequestTimeout(Duration d) {
            this.allowRequestTimeout = positive(d, "allowRequestTimeout");
            return this;
        }

        /** The session id generator ({@code null}: the default random ids). See {@link EngineOptions#generateId()}. */
        public Builder generateId(Function<EngineRequest, String> generator) {
            this.generateId = generator;
            return this;
        }

        /** WebSocket permessage-deflate (default false). */
        public Builder perMessageDeflate(boolean enabled) {
            this.perMessageDeflate = enabled;
            return this;
        }

        /** Polling response compression (default true). */
        public Builder httpCompression(boolean enabled) {
            this.httpCompression = enabled;
            return this;
        }

        /** I/O threads, 0 for Netty's default (default 0). */
        public Builder ioThreads(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("ioThreads < 0");
            }
            this.ioThreads = n;
            return this;
        }

        /** The Netty transport (default {@link IoTransport#AUTO}). */
        public Builder ioTransport(IoTransport transport) {
            this.ioTransport = java.util.Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Serves HTTPS and WSS with this server-side TLS context (default {@code null}: plain HTTP), e.g. one made
         * with Netty's {@code SslContextBuilder.forServer(...)}.
         */
        public Builder ssl(SslContext context) {
            if (context != null && context.isClient()) {
                throw new IllegalArgumentException("ssl: a server-side SslContext is needed (SslContextBuilder.forServer)");
            }
            this.ssl = context;
            return this;
        }

        /**
         * Serves HTTPS and WSS with a certificate chain and its private key, both PEM files (the key in PKCS#8,
         * unencrypted), as {@code https.createServer({cert, key})} takes them in Node.
         *
         * @throws IllegalArgumentException when a file is missing or cannot be read as PEM
         */
        public Builder ssl(Path certificateChainPem, Path privateKeyPem) {
            Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            for (Path f : new Path[] {certificateChainPem, privateKeyPem}) {
                if (!Files.isReadable(f)) {
                    throw new IllegalArgumentException("ssl: cannot read " + f.toAbsolutePath());
                }
            }
            try {
                return ssl(SslContextBuilder.forServer(certificateChainPem.toFile(), privateKeyPem.toFile()).build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("ssl: cannot use the certificate " + certificateChainPem
                        + " with the key " + privateKeyPem + ": " + e.getMessage(), e);
            }
        }

        /** Builds the options. */
        public EngineOptions build() {
            return new EngineOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
