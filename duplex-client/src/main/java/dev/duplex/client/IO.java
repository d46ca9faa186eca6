package dev.duplex.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entry point, like {@code io()} of socket.io-client:
 * {@code Socket s = IO.socket("http://localhost:3000/chat", IoOptions.builder().build()); s.connect();}.
 * The URL's path is the namespace; the Engine.IO path is {@link IoOptions.Builder#path}.
 */
public final class IO {
    private static final Map<String, Manager> MANAGERS = new ConcurrentHashMap<>();

    private IO() {
    }

    /**
     * A socket for the URL's namespace with default options. Unlike socket.io-client-java, an invalid URL is an
     * {@link IllegalArgumentException} (unchecked), not a {@code URISyntaxException}.
     */
    public static Socket socket(String url) {
        return socket(url, IoOptions.defaults());
    }

    /** A socket for the URI's namespace with default options. */
    public static Socket socket(URI uri) {
        return socket(uri.toString(), IoOptions.defaults());
    }

    /** A socket for the URI's namespace. */
    public static Socket socket(URI uri, IoOptions opts) {
        return socket(uri.toString(), opts);
    }

    /** A socket with socket.io-client-java style options (see {@link Options}). */
    public static Socket socket(String url, Options opts) {
        return socket(url, opts.toIoOptions());
    }

    /** A socket with socket.io-client-java style options (see {@link Options}). */
    public static Socket socket(URI uri, Options opts) {
        return socket(uri.toString(), opts.toIoOptions());
    }

    /**
     * A socket for the URL's namespace. Sockets to other namespaces of the same server share one connection
     * (one {@link Manager}) unless {@code forceNew} is set or {@code multiplex} is off; a second socket to the same
     * namespace gets a new connection.
     */
    public static Socket socket(String url, IoOptions opts) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL " + url + ": " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("unsupported URL scheme in " + url + " (http, https, ws or wss)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + url);
        }
        boolean secure = scheme.equals("https") || scheme.equals("wss");
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        String nsp = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        IoOptions o = opts;
        if (uri.getRawQuery() != null && opts.query.isEmpty()) {
            IoOptions.Builder b = opts.toBuilder();
            for (String kv : uri.getRawQuery().split("&")) {
                int i = kv.indexOf('=');
                String k = i < 0 ? kv : kv.substring(0, i);
                String v = i < 0 ? "" : kv.substring(i + 1);
                b.query(java.net.URLDecoder.decode(k, java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(v, java.nio.charset.StandardCharsets.UTF_8));
            }
            o = b.build();
        }
        String id = (secure ? "https" : "http") + "://" + uri.getHost() + ":" + port + o.path;
        URI base = URI.create((secure ? "https" : "http") + "://" + (uri.getHost().contains(":")
                && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + port);
        Manager existing = MANAGERS.get(id);
        boolean sameNamespace = existing != null && existing.hasSocket(nsp);
        Manager io;
        if (o.forceNew || !o.multiplex || sameNamespace) {
            io = new Manager(base, o);
        } else {
            IoOptions fo = o;
            io = MANAGERS.computeIfAbsent(id, k -> new Manager(base, fo));
            Manager m = io;
            m.onFullyClosed(() -> MANAGERS.remove(id, m));
        }
        Socket s = io.socket(nsp);
        if (o.autoConnect) {
            s.connect();
        }
        return s;
    }

    /**
     * Options with the names, types and defaults of socket.io-client-java 2.x's {@code IO.Options}, for code moving
     * from it: public fields ({@code opts.forceNew = true; opts.query = "token=abc";}) or
     * {@code IO.Options.builder().setForceNew(true).build()}. A zero (or {@code null}) keeps the default, as there.
     * They are read once, when the socket is made ({@link #toIoOptions()}), except {@link #auth}, read on every
     * connection attempt as there; {@link IoOptions} has everything else
     * (proxies, shared threads, TLS, ...).
     */
    public static class Options {
        /** A new connection for this socket instead of a cached one (false). */
        public boolean forceNew;
        /** Sockets to other namespaces of the same server share one connection (true). */
        public boolean multiplex = true;
        /** The transports, e.g. {@code new String[] {"websocket"}}; {@code null}: polling then WebSocket. */
        public String[] transports;
        /** Whether to upgrade from polling to WebSocket (true). */
        public boolean upgrade = true;
        /** Accepted for compatibility; the upgrade is tried on every connection. */
        public boolean rememberUpgrade;
        /** The server's path ("/socket.io/"). */
        public String path;
        /** The query string sent with every request, e.g. {@code "token=abc&room=1"}. */
        public String query;
        /** Headers sent with every request, including the WebSocket upgrade. */
        public Map<String, List<String>> extraHeaders;
        /** Whether to reconnect (true). */
        public boolean reconnection = true;
        /** How many attempts before {@code reconnect_failed} (0: unlimited). */
        public int reconnectionAttempts;
        /** The first reconnection delay in ms (0: 1000). */
        public long reconnectionDelay;
        /** The largest reconnection delay in ms (0: 5000). */
        public long reconnectionDelayMax;
        /** The jitter, 0 to 1 (0: 0.5). */
        public double randomizationFactor;
        /** How long a connection attempt may take, in ms (20000); negative for no limit. */
        public long timeout = 20000;
        /** The auth payload of the namespace CONNECT, read on every connection attempt. */
        public Map<String, String> auth;

        /** A builder with socket.io-client-java's {@code setX} methods. */
        public static Builder builder() {
            return new Builder();
        }

        /** The same options as an {@link IoOptions} (Duplex's immutable options). */
        public IoOptions toIoOptions() {
            IoOptions.Builder b = IoOptions.builder().forceNew(forceNew).multiplex(multiplex).upgrade(upgrade)
                    .reconnection(reconnection)
                    .reconnectionAttempts(reconnectionAttempts > 0 ? reconnectionAttempts : Integer.MAX_VALUE)
                    .reconnectionDelay(reconnectionDelay > 0 ? reconnectionDelay : 1000)
                    .reconnectionDelayMax(reconnectionDelayMax > 0 ? reconnectionDelayMax : 5000)
                    .randomizationFactor(randomizationFactor != 0 ? randomizationFactor : 0.5)
                    .timeout(timeout < 0 ? null : java.time.Duration.ofMillis(timeout));
            if (transports != null && transports.length > 0) {
                b.transports(transports);
            }
            if (path != null) {
                b.path(path);
            }
            if (query != null && !query.isEmpty()) {
                for (String kv : query.split("&")) {
                    int i = kv.indexOf('=');
                    b.query(decode(i < 0 ? kv : kv.substring(0, i)), decode(i < 0 ? "" : kv.substring(i + 1)));
                }
            }
            if (extraHeaders != null) {
                extraHeaders.forEach((k, v) -> {
                    if (v != null && !v.isEmpty()) {
                        b.extraHeader(k, String.join(", ", v));
                    }
                });
            }
            if (auth != null) {
                // read on every connection attempt, as there: a connect_error listener may change it and reconnect
                b.authSupplier(() -> {
                    Map<String, String> a = auth;
                    return a == null ? null : new java.util.LinkedHashMap<>(a);
                });
            }
            return b.build();
        }

        private static String decode(String s) {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** socket.io-client-java's {@code SocketOptionBuilder}. */
        public static final class Builder {
            private final Options o = new Options();

            private Builder() {
            }

            public Builder setForceNew(boolean v) {
                o.forceNew = v;
                return this;
            }

            public Builder setMultiplex(boolean v) {
                o.multiplex = v;
                return this;
            }

            public Builder setTransports(String[] v) {
                o.transports = v;
                return this;
            }

            public Builder setUpgrade(boolean v) {
                o.upgrade = v;
                return this;
            }

            public Builder setRememberUpgrade(boolean v) {
                o.rememberUpgrade = v;
                return this;
            }

            public Builder setPath(String v) {
                o.path = v;
                return this;
            }

            public Builder setQuery(String v) {
                o.query = v;
                return this;
            }

            public Builder setExtraHeaders(Map<String, List<String>> v) {
                o.extraHeaders = v;
                return this;
            }

            public Builder setReconnection(boolean v) {
                o.reconnection = v;
                return this;
            }

            public Builder setReconnectionAttempts(int v) {
                o.reconnectionAttempts = v;
                return this;
            }

            public Builder setReconnectionDelay(long v) {
                o.reconnectionDelay = v;
                return this;
            }

            public Builder setReconnectionDelayMax(long v) {
                o.reconnectionDelayMax = v;
                return this;
            }

            public Builder setRandomizationFactor(double v) {
                o.randomizationFactor = v;
                return this;
            }

            public Builder setTimeout(long v) {
                o.timeout = v;
                return this;
            }

            public Builder setAuth(Map<String, String> v) {
                o.auth = v;
                return this;
            }

            /** The options (a new object each time: later changes of the builder do not reach it). */
            public Options build() {
                Options c = new Options();
                c.forceNew = o.forceNew;
                c.multiplex = o.multiplex;
                c.transports = o.transports == null ? null : o.transports.clone();
                c.upgrade = o.upgrade;
                c.rememberUpgrade = o.rememberUpgrade;
                c.path = o.path;
                c.query = o.query;
                c.extraHeaders = o.extraHeaders;
                c.reconnection = o.reconnection;
                c.reconnectionAttempts = o.reconnectionAttempts;
                c.reconnectionDelay = o.reconnectionDelay;
                c.reconnectionDelayMax = o.reconnectionDelayMax;
                c.randomizationFactor = o.randomizationFactor;
                c.timeout = o.timeout;
                c.auth = o.auth;
                return c;
            }
        }
    }
}
