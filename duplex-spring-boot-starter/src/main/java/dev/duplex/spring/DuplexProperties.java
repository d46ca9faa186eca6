package dev.duplex.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code duplex.*} properties of the auto-configured Socket.IO server. Unset values keep the defaults of
 * {@code ServerOptions} (socket.io's).
 */
@ConfigurationProperties(prefix = "duplex")
public class DuplexProperties {
    /** Whether to create and start the Socket.IO server. */
    private boolean enabled = true;
    /** Port of the Socket.IO server (its own Netty server, not the servlet container's); 0 picks a free port. */
    private int port = 9092;
    /** Address to bind, e.g. 127.0.0.1; all interfaces when unset. */
    private String address;
    /** HTTP path of the Socket.IO endpoint. */
    private String path = "/socket.io/";
    /** Serve the socket.io-client browser bundle at {@code <path>socket.io.js}. */
    private boolean serveClient = true;
    /** Engine.IO ping interval. */
    private Duration pingInterval = Duration.ofSeconds(25);
    /** Engine.IO ping timeout. */
    private Duration pingTimeout = Duration.ofSeconds(20);
    /** Time a polling connection has to complete an upgrade to WebSocket. */
    private Duration upgradeTimeout = Duration.ofSeconds(10);
    /** Time a connection has to join a namespace before it is closed. */
    private Duration connectTimeout = Duration.ofSeconds(45);
    /** Largest message or polling body, in bytes. */
    private long maxHttpBufferSize = 1_000_000;
    /** Largest number of binary attachments in one packet. */
    private int maxAttachments = 10;
    /** Allowed transports: polling, websocket. */
    private List<String> transports = new ArrayList<>(List.of("polling", "websocket"));
    /** Allow upgrades from polling to WebSocket. */
    private boolean allowUpgrades = true;
    /** Accept Socket.IO v2 clients (Engine.IO v3), socket.io's allowEIO3. */
    private boolean allowEio3;
    /** WebSocket per-message deflate. */
    private boolean perMessageDeflate;
    /** Compression of polling responses. */
    private boolean httpCompression = true;
    /** Netty I/O threads, 0 for Netty's default. */
    private int ioThreads;
    /**
     * Run handlers on the Netty event loops (fast, but a blocking handler stalls I/O). False by default: unlike the
     * core server's default (on the event loops when the machine has one CPU), a Spring application keeps them on
     * the handler pool, since Spring handlers often block (JDBC, remote calls).
     */
    private boolean handlersOnEventLoop;
    /** Threads of the server's own handler pool, 0 for its default. */
    private int handlerThreads;
    /** Remove a dynamic namespace's child when its last socket leaves. */
    private boolean cleanupEmptyChildNamespaces;
    /** Cross-origin requests. */
    private final Cors cors = new Cors();
    /** The Engine.IO session cookie. */
    private final Cookie cookie = new Cookie();
    /** HTTPS and WSS. */
    private final Ssl ssl = new Ssl();
    /** Connection state recovery. */
    private final Recovery connectionStateRecovery = new Recovery();
    /** The adapter (rooms and broadcasts across servers). */
    private final Adapter adapter = new Adapter();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public boolean isServeClient() {
        return serveClient;
    }

    public void setServeClient(boolean serveClient) {
        this.serveClient = serveClient;
    }

    public Duration getPingInterval() {
        return pingInterval;
    }

    public void setPingInterval(Duration pingInterval) {
        this.pingInterval = pingInterval;
    }

    public Duration getPingTimeout() {
        return pingTimeout;
    }

    public void setPingTimeout(Duration pingTimeout) {
        this.pingTimeout = pingTimeout;
    }

    public Duration getUpgradeTimeout() {
        return upgradeTimeout;
    }

    public void setUpgradeTimeout(Duration upgradeTimeout) {
        this.upgradeTimeout = upgradeTimeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getMaxHttpBufferSize() {
        return maxHttpBufferSize;
    }

    public void setMaxHttpBufferSize(long maxHttpBufferSize) {
        this.maxHttpBufferSize = maxHttpBufferSize;
    }

    public int getMaxAttachments() {
        return maxAttachments;
    }

    public void setMaxAttachments(int maxAttachments) {
        this.maxAttachments = maxAttachments;
    }

    public List<String> getTransports() {
        return transports;
    }

    public void setTransports(List<String> transports) {
        this.transports = transports;
    }

    public boolean isAllowUpgrades() {
        return allowUpgrades;
    }

    public void setAllowUpgrades(boolean allowUpgrades) {
        this.allowUpgrades = allowUpgrades;
    }

    public boolean isAllowEio3() {
        return allowEio3;
    }

    public void setAllowEio3(boolean allowEio3) {
        this.allowEio3 = allowEio3;
    }

    public boolean isPerMessageDeflate() {
        return perMessageDeflate;
    }

    public void setPerMessageDeflate(boolean perMessageDeflate) {
        this.perMessageDeflate = perMessageDeflate;
    }

    public boolean isHttpCompression() {
        return httpCompression;
    }

    public void setHttpCompression(boolean httpCompression) {
        this.httpCompression = httpCompression;
    }

    public int getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    public boolean isHandlersOnEventLoop() {
        return handlersOnEventLoop;
    }

    public void setHandlersOnEventLoop(boolean handlersOnEventLoop) {
        this.handlersOnEventLoop = handlersOnEventLoop;
    }

    public int getHandlerThreads() {
        return handlerThreads;
    }

    public void setHandlerThreads(int handlerThreads) {
        this.handlerThreads = handlerThreads;
    }

    public boolean isCleanupEmptyChildNamespaces() {
        return cleanupEmptyChildNamespaces;
    }

    public void setCleanupEmptyChildNamespaces(boolean cleanupEmptyChildNamespaces) {
        this.cleanupEmptyChildNamespaces = cleanupEmptyChildNamespaces;
    }

    public Cors getCors() {
        return cors;
    }

    public Cookie getCookie() {
        return cookie;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public Adapter getAdapter() {
        return adapter;
    }

    public Recovery getConnectionStateRecovery() {
        return connectionStateRecovery;
    }

    /** {@code duplex.connection-state-recovery.*}: socket.io's connectionStateRecovery, off by default. */
    public static class Recovery {
        /** Turn connection state recovery on. */
        private boolean enabled;
        /** How long a disconnected client's session (id, rooms, data, missed packets) is kept. */
        private Duration maxDisconnectionDuration = Duration.ofMinutes(2);
        /** Skip the connection middlewares when a session is recovered. */
        private boolean skipMiddlewares = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getMaxDisconnectionDuration() {
            return maxDisconnectionDuration;
        }

        public void setMaxDisconnectionDuration(Duration maxDisconnectionDuration) {
            this.maxDisconnectionDuration = maxDisconnectionDuration;
        }

        public boolean isSkipMiddlewares() {
            return skipMiddlewares;
        }

        public void setSkipMiddlewares(boolean skipMiddlewares) {
            this.skipMiddlewares = skipMiddlewares;
        }
    }

    /** {@code duplex.cors.*}: CORS is off unless origins are set. */
    public static class Cors {
        /** Allowed origins ("*" for any); CORS headers are sent only when set. */
        private List<String> origins = new ArrayList<>();
        /** Allow credentials (cookies) on cross-origin requests. */
        private boolean credentials;
        /** Allowed request headers. */
        private List<String> allowedHeaders = new ArrayList<>();

        public List<String> getOrigins() {
            return origins;
        }

        public void setOrigins(List<String> origins) {
            this.origins = origins;
        }

        public boolean isCredentials() {
            return credentials;
        }

        public void setCredentials(boolean credentials) {
            this.credentials = credentials;
        }

        public List<String> getAllowedHeaders() {
            return allowedHeaders;
        }

        public void setAllowedHeaders(List<String> allowedHeaders) {
            this.allowedHeaders = allowedHeaders;
        }
    }

    /** {@code duplex.cookie.*}: no cookie unless a name is set. */
    public static class Cookie {
        /** Cookie name (engine.io uses "io"); no cookie when unset. */
        private String name;
        /** Cookie path. */
        private String path = "/";
        /** HttpOnly attribute. */
        private boolean httpOnly = true;
        /** SameSite attribute (Strict, Lax, None). */
        private String sameSite = "Lax";
        /** Secure attribute. */
        private boolean secure;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public boolean isHttpOnly() {
            return httpOnly;
        }

        public void setHttpOnly(boolean httpOnly) {
            this.httpOnly = httpOnly;
        }

        public String getSameSite() {
            return sameSite;
        }

        public void setSameSite(String sameSite) {
            this.sameSite = sameSite;
        }

        public boolean isSecure() {
            return secure;
        }

        public void setSecure(boolean secure) {
            this.secure = secure;
        }
    }

    /** {@code duplex.ssl.*}: HTTPS/WSS when both files are set. */
    public static class Ssl {
        /** PEM certificate chain. */
        private Path certificate;
        /** PEM (PKCS#8) private key. */
        private Path privateKey;

        public Path getCertificate() {
            return certificate;
        }

        public void setCertificate(Path certificate) {
            this.certificate = certificate;
        }

        public Path getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(Path privateKey) {
            this.privateKey = privateKey;
        }
    }

    /** {@code duplex.adapter.*}. */
    public static class Adapter {
        /**
         * The adapter: "memory" (a single server) or "redis" (a cluster through Redis, with duplex-redis on the class
         * path; compatible with Node's @socket.io/redis-adapter). Others are set with a ServerOptionsCustomizer.
         */
        private String type = "memory";
        /** The Redis adapter. */
        private final Redis redis = new Redis();

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public Redis getRedis() {
            return redis;
        }
    }

    /** {@code duplex.adapter.redis.*}. */
    public static class Redis {
        /** Redis URI, e.g. redis://127.0.0.1:6379. */
        private String url = "redis://127.0.0.1:6379";
        /** Prefix of the Redis channels (socket.io's "key"). */
        private String key = "socket.io";
        /** Time the other nodes have to answer a request (fetchSockets, serverSideEmitWithAck...). */
        private Duration requestsTimeout = Duration.ofSeconds(5);

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public Duration getRequestsTimeout() {
            return requestsTimeout;
        }

        public void setRequestsTimeout(Duration requestsTimeout) {
            this.requestsTimeout = requestsTimeout;
        }
    }
}
