package dev.duplex.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.protocol.socketio.PacketParser;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Options of {@link IO#socket}, with socket.io-client's names and defaults. Immutable; made with
 * {@link #builder()}.
 */
public final class IoOptions {
    /** Polling, then an upgrade to WebSocket (the default). */
    public static final String POLLING = "polling";
    /** WebSocket. */
    public static final String WEBSOCKET = "websocket";

    private static final IoOptions DEFAULTS = builder().build();

    final boolean forceNew;
    final boolean multiplex;
    final List<String> transports;
    final boolean upgrade;
    final String path;
    final boolean addTrailingSlash;
    final Map<String, String> query;
    final Map<String, String> extraHeaders;
    final Supplier<?> auth;
    final Duration timeout;
    final SSLContext sslContext;
    final boolean cookies;
    final boolean reconnection;
    final int reconnectionAttempts;
    final long reconnectionDelay;
    final long reconnectionDelayMax;
    final double randomizationFactor;
    final DoubleSupplier random;
    final boolean autoConnect;
    final Duration ackTimeout;
    final int retries;
    final Executor eventExecutor;
    final ObjectMapper mapper;
    final int maxFramePayload;
    final EventLoopGroup eventLoopGroup;
    final ProxyOptions proxy;
    final RequestHeaders requestHeaders;
    final PacketParser parser;

    /**
     * A hook called before every HTTP request (each poll and post) and every WebSocket upgrade the client sends,
     * on the I/O thread: it may add, change or remove headers, e.g. to send a token that changes over time. The
     * map holds the {@code extraHeaders} (and the cookies with {@code withCredentials}); names are matched as
     * given.
     */
    @FunctionalInterface
    public interface RequestHeaders {
        /**
         * @param transport "polling" or "websocket"
         * @param headers   the headers to send, mutable
         */
        void apply(String transport, Map<String, List<String>> headers);
    }

    private IoOptions(Builder b) {
        forceNew = b.forceNew;
        multiplex = b.multiplex;
        transports = List.copyOf(b.transports);
        upgrade = b.upgrade;
        String p = b.path.endsWith("/") ? b.path.substring(0, b.path.length() - 1) : b.path;
        path = (p.startsWith("/") ? p : "/" + p) + "/";
        addTrailingSlash = b.addTrailingSlash;
        query = Map.copyOf(b.query);
        extraHeaders = Map.copyOf(b.extraHeaders);
        auth = b.auth;
        timeout = b.timeout;
        sslContext = b.sslContext;
        cookies = b.cookies;
        reconnection = b.reconnection;
        reconnectionAttempts = b.reconnectionAttempts;
        reconnectionDelay = b.reconnectionDelay;
        reconnectionDelayMax = b.reconnectionDelayMax;
        randomizationFactor = b.randomizationFactor;
        random = b.random;
        autoConnect = b.autoConnect;
        ackTimeout = b.ackTimeout;
        retries = b.retries;
        eventExecutor = b.eventExecutor;
        mapper = b.mapper;
        maxFramePayload = b.maxFramePayload;
        eventLoopGroup = b.eventLoopGroup;
        proxy = b.proxy;
        requestHeaders = b.requestHeaders;
        parser = b.parser;
    }

    /** The defaults: polling then WebSocket, reconnection on, no auth. */
    public static IoOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.forceNew = forceNew;
        b.multiplex = multiplex;
        b.transports = new ArrayList<>(transports);
        b.upgrade = upgrade;
        b.path = path;
        b.addTrailingSlash = addTrailingSlash;
        b.query = new LinkedHashMap<>(query);
        b.extraHeaders = new LinkedHashMap<>(extraHeaders);
        b.auth = auth;
        b.timeout = timeout;
        b.sslContext = sslContext;
        b.cookies = cookies;
        b.reconnection = reconnection;
        b.reconnectionAttempts = reconnectionAttempts;
        b.reconnectionDelay = reconnectionDelay;
        b.reconnectionDelayMax = reconnectionDelayMax;
        b.randomizationFactor = randomizationFactor;
        b.random = random;
        b.autoConnect = autoConnect;
        b.ackTimeout = ackTimeout;
        b.retries = retries;
        b.eventExecutor = eventExecutor;
        b.mapper = mapper;
        b.maxFramePayload = maxFramePayload;
        b.eventLoopGroup = eventLoopGroup;
        b.proxy = proxy;
        b.requestHeaders = requestHeaders;
        b.parser = parser;
        return b;
    }

    public List<String> transports() {
        return transports;
    }

    public String path() {
        return path;
    }

    /** Whether requests go to the path with its trailing slash ({@code /socket.io/?EIO=4...}); default true. */
    public boolean addTrailingSlash() {
        return addTrailingSlash;
    }

    public boolean reconnection() {
        return reconnection;
    }

    /** Builder of {@link IoOptions}. */
    public static final class Builder {
        private boolean forceNew;
        private boolean multiplex = true;
        private List<String> transports = new ArrayList<>(List.of(POLLING, WEBSOCKET));
        private boolean upgrade = true;
        private String path = "/socket.io/";
        private boolean addTrailingSlash = true;
        private Map<String, String> query = new LinkedHashMap<>();
        private Map<String, String> extraHeaders = new LinkedHashMap<>();
        private Supplier<?> auth;
        private Duration timeout = Duration.ofMillis(20000);
        private SSLContext sslContext;
        private boolean cookies;
        private boolean reconnection = true;
        private int reconnectionAttempts = Integer.MAX_VALUE;
        private long reconnectionDelay = 1000;
        private long reconnectionDelayMax = 5000;
        private double randomizationFactor = 0.5;
        private DoubleSupplier random = Math::random;
        private boolean autoConnect;
        private Duration ackTimeout;
        private int retries;
        private Executor eventExecutor;
        private ObjectMapper mapper = new ObjectMapper();
        private int maxFramePayload = 100 * 1024 * 1024;
        private EventLoopGroup eventLoopGroup;
        private ProxyOptions proxy;
        private RequestHeaders requestHeaders;
        private PacketParser parser = PacketParser.defaultParser();

        private Builder() {
        }

        /**
         * A Netty NIO event loop group (e.g. {@code new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory())})
         * shared by many managers: each manager takes one loop of it for its connection and never shuts it down
         * (the owner does). Without it (the default), each manager starts its own I/O thread and stops it once
         * closed. With a shared group and no {@link #eventExecutor}, listeners run on the I/O thread: they must not
         * block (give an executor for listeners that wait for acknowledgements).
         */
        public Builder eventLoopGroup(EventLoopGroup v) {
            eventLoopGroup = v;
            return this;
        }

        /** Connect through an HTTP (CONNECT) or SOCKS5 proxy, for polling and WebSocket alike. */
        public Builder proxy(ProxyOptions v) {
            proxy = v;
            return this;
        }

        /** A hook that may change the headers of every request (see {@link RequestHeaders}). */
        public Builder requestHeaders(RequestHeaders v) {
            requestHeaders = v;
            return this;
        }

        /** A new Manager (Engine.IO connection) for this socket instead of a cached one. */
        public Builder forceNew(boolean v) {
            forceNew = v;
            return this;
        }

        /** Whether sockets to other namespaces of the same server share one connection (true). */
        public Builder multiplex(boolean v) {
            multiplex = v;
            return this;
        }

        /** The transports to use, first one first: "polling", "websocket". */
        public Builder transports(String... names) {
            List<String> l = new ArrayList<>();
            for (String n : names) {
                if (!POLLING.equals(n) && !WEBSOCKET.equals(n)) {
                    throw new IllegalArgumentException("unknown transport " + n + " (polling or websocket)");
                }
                l.add(n);
            }
            if (l.isEmpty()) {
                throw new IllegalArgumentException("no transport");
            }
            transports = l;
            return this;
        }

        /** Whether to upgrade from polling to WebSocket (true). */
        public Builder upgrade(boolean v) {
            upgrade = v;
            return this;
        }

        /** The server's path, "/socket.io/" by default. */
        public Builder path(String v) {
            path = Objects.requireNonNull(v, "path");
            return this;
        }

        /**
         * Whether the requests keep the path's trailing slash (default true, socket.io-client's
         * {@code addTrailingSlash}): false sends {@code /socket.io?EIO=4...}, for servers created with
         * {@code addTrailingSlash: false} that serve other routes under the same prefix.
         */
        public Builder addTrailingSlash(boolean v) {
            addTrailingSlash = v;
            return this;
        }

        /** A query parameter sent with every Engine.IO request. */
        public Builder query(String name, String value) {
            query.put(name, value);
            return this;
        }

        public Builder query(Map<String, String> v) {
            query = new LinkedHashMap<>(v);
            return this;
        }

        /** A header sent with every HTTP request and the WebSocket handshake. */
        public Builder extraHeader(String name, String value) {
            extraHeaders.put(name, value);
            return this;
        }

        public Builder extraHeaders(Map<String, String> v) {
            extraHeaders = new LinkedHashMap<>(v);
            return this;
        }

        /** The auth payload of every namespace CONNECT (something Jackson writes as a JSON object). */
        public Builder auth(Object v) {
            auth = v == null ? null : () -> v;
            return this;
        }

        /** Called on every connection attempt for the auth payload. */
        public Builder authSupplier(Supplier<?> v) {
            auth = v;
            return this;
        }

        /** How long a connection attempt may take (20 s); {@code null} for no limit. */
        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        /** The TLS context for https/wss URLs (the JVM default when not set). */
        public Builder sslContext(SSLContext v) {
            sslContext = v;
            return this;
        }

        /** Keep the cookies the server sets and send them back (for sticky sessions), like withCredentials. */
        public Builder withCredentials(boolean v) {
            cookies = v;
            return this;
        }

        public Builder reconnection(boolean v) {
            reconnection = v;
            return this;
        }

        /** How many reconnection attempts before {@code reconnect_failed} (unlimited by default). */
        public Builder reconnectionAttempts(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("reconnectionAttempts < 0");
            }
            reconnectionAttempts = v;
            return this;
        }

        /** The first reconnection delay (1000 ms). */
        public Builder reconnectionDelay(long millis) {
            reconnectionDelay = millis;
            return this;
        }

        /** The largest reconnection delay (5000 ms). */
        public Builder reconnectionDelayMax(long millis) {
            reconnectionDelayMax = millis;
            return this;
        }

        /** The jitter of the reconnection delay, 0 to 1 (0.5). */
        public Builder randomizationFactor(double v) {
            randomizationFactor = v;
            return this;
        }

        /** The random source of the back-off ({@code Math::random}); for tests. */
        public Builder random(DoubleSupplier v) {
            random = Objects.requireNonNull(v, "random");
            return this;
        }

        /** Whether {@link IO#socket} connects at once (false: call {@link Socket#connect()}). */
        public Builder autoConnect(boolean v) {
            autoConnect = v;
            return this;
        }

        /** The default timeout of acknowledgements (none). */
        public Builder ackTimeout(Duration v) {
            ackTimeout = v;
            return this;
        }

        /** How many times an emit is retried when its acknowledgement times out (0: no retry queue). */
        public Builder retries(int v) {
            retries = v;
            return this;
        }

        /**
         * Where listeners run; by default one daemon event thread per Manager. The executor may be shared by many
         * managers and have several threads: the listeners of one manager still run one at a time, in order.
         */
        public Builder eventExecutor(Executor v) {
            eventExecutor = v;
            return this;
        }

        /** The Jackson mapper used for arguments. */
        public Builder objectMapper(ObjectMapper v) {
            mapper = Objects.requireNonNull(v, "mapper");
            return this;
        }

        /**
         * socket.io-client's {@code parser} option: the packet format, by default socket.io-parser's
         * ({@link PacketParser#defaultParser()}); e.g. {@code MsgpackParser} of the {@code duplex-msgpack} module
         * for a server using {@code socket.io-msgpack-parser}. The server must use the same parser.
         */
        public Builder parser(PacketParser v) {
            parser = Objects.requireNonNull(v, "parser");
            return this;
        }

        /** The largest WebSocket message accepted from the server (100 MiB). */
        public Builder maxFramePayload(int v) {
            maxFramePayload = v;
            return this;
        }

        public IoOptions build() {
            return new IoOptions(this);
        }
    }
}
