package dev.duplex.demo;

import dev.duplex.engine.CookieOptions;
import dev.duplex.engine.CorsOptions;
import dev.duplex.server.ServerOptions;
import picocli.CommandLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The demo's settings: every server option of the course, settable from the command line ({@link #parse}) or
 * with the builder. Immutable.
 */
public final class DemoOptions {
    /** The token the page sends when none is configured: the demo is protected out of the box. */
    public static final String DEFAULT_TOKEN = "duplex";

    private final String host;
    private final int port;
    private final String path;
    private final List<String> corsOrigins;
    private final List<String> corsMethods;
    private final boolean corsCredentials;
    private final boolean serveClient;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration connectTimeout;
    private final String cookie;
    private final List<String> transports;
    private final String token;
    private final Path staticDir;
    private final Duration statsInterval;
    private final String redis;
    private final Path tlsCert;
    private final Path tlsKey;
    private final boolean admin;
    private final String adminUser;
    private final String adminPassword;

    private DemoOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.path = b.path;
        this.corsOrigins = List.copyOf(b.corsOrigins);
        this.corsMethods = List.copyOf(b.corsMethods);
        this.corsCredentials = b.corsCredentials;
        this.serveClient = b.serveClient;
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.connectTimeout = b.connectTimeout;
        this.cookie = b.cookie;
        this.transports = List.copyOf(b.transports);
        this.token = b.token;
        this.staticDir = b.staticDir;
        this.statsInterval = b.statsInterval;
        this.redis = b.redis;
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
        this.admin = b.admin;
        this.adminUser = b.adminUser;
        this.adminPassword = b.adminPassword;
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static DemoOptions defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.path = path;
        b.corsOrigins = new ArrayList<>(corsOrigins);
        b.corsMethods = new ArrayList<>(corsMethods);
        b.corsCredentials = corsCredentials;
        b.serveClient = serveClient;
        b.pingInterval = pingInterval;
        b.pingTimeout = pingTimeout;
        b.connectTimeout = connectTimeout;
        b.cookie = cookie;
        b.transports = new ArrayList<>(transports);
        b.token = token;
        b.staticDir = staticDir;
        b.statsInterval = statsInterval;
        b.redis = redis;
        b.tlsCert = tlsCert;
        b.tlsKey = tlsKey;
        b.admin = admin;
        b.adminUser = adminUser;
        b.adminPassword = adminPassword;
        return b;
    }

    /** The interface to bind, or null for all interfaces. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The Socket.IO path, with leading and trailing slash. */
    public String path() {
        return path;
    }

    /** Allowed CORS origins; empty = no CORS headers; {@code ["*"]} = any. */
    public List<String> corsOrigins() {
        return corsOrigins;
    }

    public List<String> corsMethods() {
        return corsMethods;
    }

    public boolean corsCredentials() {
        return corsCredentials;
    }

    public boolean serveClient() {
        return serveClient;
    }

    public Duration pingInterval() {
        return pingInterval;
    }

    public Duration pingTimeout() {
        return pingTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The Engine.IO cookie name, or null when the cookie is off. */
    public String cookie() {
        return cookie;
    }

    public List<String> transports() {
        return transports;
    }

    /** The token the connection middleware asks for, or null when anyone may connect. */
    public String token() {
        return token;
    }

    /** A folder to serve the page from instead of the class path (to edit it live), or null. */
    public Path staticDir() {
        return staticDir;
    }

    /** The PEM certificate chain to serve HTTPS with, or null for plain HTTP. */
    public Path tlsCert() {
        return tlsCert;
    }

    /** The PEM (PKCS#8) private key of {@link #tlsCert()}, or null. */
    public Path tlsKey() {
        return tlsKey;
    }

    public Duration statsInterval() {
        return statsInterval;
    }

    /**
     * The Redis URI of the cluster this node joins (e.g. {@code redis://127.0.0.1:6379}), or null to run alone.
     * With it, chat, rooms and the monitoring totals span every node on that Redis (Duplex or Node socket.io
     * servers with {@code @socket.io/redis-adapter}).
     */
    public String redis() {
        return redis;
    }

    /** Whether the Socket.IO Admin UI is attached and served at {@code /admin/} ({@code --admin}). */
    public boolean admin() {
        return admin;
    }

    /** The Admin UI user name; default {@code admin}. */
    public String adminUser() {
        return adminUser;
    }

    /** The Admin UI password, or null for a random one made at start-up (see {@link DemoServer#adminPassword()}). */
    public String adminPassword() {
        return adminPassword;
    }

    /** The Socket.IO server options these settings make. */
    public ServerOptions serverOptions() {
        ServerOptions.Builder b = ServerOptions.builder()
                .path(path)
                .serveClient(serveClient)
                .pingInterval(pingInterval)
                .pingTimeout(pingTimeout)
                .connectTimeout(connectTimeout)
                .transports(transports.toArray(new String[0]));
        if (!corsOrigins.isEmpty()) {
            CorsOptions.Builder cors = CorsOptions.builder();
            if (corsOrigins.equals(List.of("*"))) {
                cors.origin("*");
            } else {
                cors.origins(corsOrigins);
            }
            cors.methods(corsMethods.toArray(new String[0])).credentials(corsCredentials);
            b.cors(cors.build());
        }
        if (cookie != null) {
            b.cookie(CookieOptions.builder().name(cookie).build());
        }
        if (tlsCert != null) {
            b.ssl(tlsCert, tlsKey);
        }
        return b.build();
    }

    /** The text of {@code --help}. */
    public static String usage() {
        return new CommandLine(new DemoCommand()).getUsageMessage();
    }

    /** Thrown by {@link #parse} for a bad command line; its message says what is wrong. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Reads a command line (picocli, {@link DemoCommand}); returns null when {@code --help} was asked. */
    public static DemoOptions parse(String... args) throws UsageException {
        DemoCommand c = new DemoCommand();
        CommandLine cli = new CommandLine(c);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        if (cli.isUsageHelpRequested()) {
            return null;
        }
        Builder b = builder();
        try {
            if (c.port != null) {
                b.port(c.port);
            }
            if (c.host != null) {
                b.host(c.host);
            }
            if (c.path != null) {
                b.path(c.path);
            }
            if (c.corsOrigins != null) {
                b.corsOrigins(trimmed(c.corsOrigins));
            }
            if (c.corsMethods != null) {
                b.corsMethods(trimmed(c.corsMethods));
            }
            if (c.corsCredentials != null) {
                b.corsCredentials(bool("--cors-credentials", c.corsCredentials));
            }
            if (c.serveClient != null) {
                b.serveClient(bool("--serve-client", c.serveClient));
            }
            if (c.noServeClient) {
                b.serveClient(false);
            }
            if (c.pingInterval != null) {
                b.pingInterval(Duration.ofMillis(millis("--ping-interval", c.pingInterval)));
            }
            if (c.pingTimeout != null) {
                b.pingTimeout(Duration.ofMillis(millis("--ping-timeout", c.pingTimeout)));
            }
            if (c.connectTimeout != null) {
                b.connectTimeout(Duration.ofMillis(millis("--connect-timeout", c.connectTimeout)));
            }
            if (c.statsInterval != null) {
                b.statsInterval(Duration.ofMillis(millis("--stats-interval", c.statsInterval)));
            }
            if (c.cookie != null) {
                String v = c.cookie.toLowerCase(Locale.ROOT);
                b.cookie(v.equals("false") || v.equals("off") ? null
                        : v.equals("true") || v.equals("on") ? "io" : c.cookie);
            }
            if (c.transports != null) {
                b.transports(trimmed(c.transports));
            }
            if (c.token != null) {
                b.token(c.token);
            }
            if (c.noToken) {
                b.token(null);
            }
            if (c.staticDir != null) {
                b.staticDir(c.staticDir);
            }
            if (c.tlsCert != null) {
                b.tlsCert(c.tlsCert);
            }
            if (c.tlsKey != null) {
                b.tlsKey(c.tlsKey);
            }
            if (c.redis != null) {
                b.redis(c.redis);
            }
            if (c.adminUser != null || c.adminPassword != null) {
                if (!c.admin) {
                    throw new UsageException("--admin-user and --admin-password go with --admin");
                }
            }
            b.admin(c.admin);
            if (c.adminUser != null) {
                b.adminUser(c.adminUser);
            }
            if (c.adminPassword != null) {
                b.adminPassword(c.adminPassword);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static boolean bool(String name, String value) throws UsageException {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
            case "1":
                return true;
            case "false":
            case "no":
            case "off":
            case "0":
                return false;
            default:
                throw new UsageException(name + " takes true or false, not " + value);
        }
    }

    private static long millis(String name, long ms) throws UsageException {
        if (ms <= 0) {
            throw new UsageException(name + " must be > 0 ms");
        }
        return ms;
    }

    private static List<String> trimmed(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String s : values) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** Builder of {@link DemoOptions}; defaults are the course's. */
    public static final class Builder {
        private String host;
        private int port = 8080;
        private String path = "/socket.io/";
        private List<String> corsOrigins = new ArrayList<>();
        private List<String> corsMethods = new ArrayList<>(List.of("GET", "POST"));
        private boolean corsCredentials;
        private boolean serveClient = true;
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration connectTimeout = Duration.ofSeconds(45);
        private String cookie;
        private List<String> transports = new ArrayList<>(List.of("polling", "websocket"));
        private String token = DEFAULT_TOKEN;
        private Path staticDir;
        private Duration statsInterval = Duration.ofSeconds(1);
        private String redis;
        private Path tlsCert;
        private Path tlsKey;
        private boolean admin;
        private String adminUser = "admin";
        private String adminPassword;

        private Builder() {
        }

        /** @see DemoOptions#admin() */
        public Builder admin(boolean value) {
            this.admin = value;
            return this;
        }

        /** @see DemoOptions#adminUser() */
        public Builder adminUser(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("--admin-user must not be empty");
            }
            this.adminUser = value;
            return this;
        }

        /** @see DemoOptions#adminPassword() */
        public Builder adminPassword(String value) {
            if (value != null && value.isEmpty()) {
                throw new IllegalArgumentException("--admin-password must not be empty");
            }
            this.adminPassword = value;
            return this;
        }

        /** @see DemoOptions#redis() */
        public Builder redis(String value) {
            if (value != null && !value.isBlank() && !value.startsWith("redis://") && !value.startsWith("rediss://")) {
                throw new IllegalArgumentException("--redis needs a redis:// or rediss:// URI: " + value);
            }
            this.redis = value == null || value.isBlank() ? null : value;
            return this;
        }

        /** The PEM certificate chain for HTTPS (with {@link #tlsKey}), or null for plain HTTP. */
        public Builder tlsCert(Path value) {
            if (value != null && !Files.isReadable(value)) {
                throw new IllegalArgumentException("cannot read the TLS certificate " + value);
            }
            this.tlsCert = value;
            return this;
        }

        /** The PEM private key of {@link #tlsCert}. */
        public Builder tlsKey(Path value) {
            if (value != null && !Files.isReadable(value)) {
                throw new IllegalArgumentException("cannot read the TLS key " + value);
            }
            this.tlsKey = value;
            return this;
        }

        public Builder host(String value) {
            this.host = value == null || value.isBlank() ? null : value;
            return this;
        }

        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port out of range: " + value);
            }
            this.port = value;
            return this;
        }

        public Builder path(String value) {
            String p = Objects.requireNonNull(value, "path").trim();
            if (!p.startsWith("/")) {
                p = "/" + p;
            }
            if (!p.endsWith("/")) {
                p = p + "/";
            }
            if (p.equals("/")) {
                throw new IllegalArgumentException("the Socket.IO path cannot be / (the page lives there)");
            }
            this.path = p;
            return this;
        }

        public Builder corsOrigins(List<String> value) {
            this.corsOrigins = new ArrayList<>(value);
            return this;
        }

        public Builder corsMethods(List<String> value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("--cors-methods needs at least one method");
            }
            List<String> upper = new ArrayList<>();
            value.forEach(m -> upper.add(m.toUpperCase(Locale.ROOT)));
            this.corsMethods = upper;
            return this;
        }

        public Builder corsCredentials(boolean value) {
            this.corsCredentials = value;
            return this;
        }

        public Builder serveClient(boolean value) {
            this.serveClient = value;
            return this;
        }

        public Builder pingInterval(Duration value) {
            this.pingInterval = positive(value, "pingInterval");
            return this;
        }

        public Builder pingTimeout(Duration value) {
            this.pingTimeout = positive(value, "pingTimeout");
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        public Builder statsInterval(Duration value) {
            this.statsInterval = positive(value, "statsInterval");
            return this;
        }

        /** The cookie name, or null for no cookie. */
        public Builder cookie(String value) {
            this.cookie = value == null || value.isBlank() ? null : value;
            return this;
        }

        public Builder transports(List<String> value) {
            LinkedHashSet<String> set = new LinkedHashSet<>();
            for (String t : value) {
                String n = t.toLowerCase(Locale.ROOT);
                if (!n.equals("polling") && !n.equals("websocket")) {
                    throw new IllegalArgumentException("unknown transport: " + t);
                }
                set.add(n);
            }
            if (set.isEmpty()) {
                throw new IllegalArgumentException("at least one transport is needed");
            }
            this.transports = new ArrayList<>(set);
            return this;
        }

        /** The token to require, or null to accept everyone. */
        public Builder token(String value) {
            this.token = value == null || value.isEmpty() ? null : value;
            return this;
        }

        public Builder staticDir(Path value) {
            if (value != null && !Files.isDirectory(value)) {
                throw new IllegalArgumentException("not a directory: " + value);
            }
            this.staticDir = value;
            return this;
        }

        public DemoOptions build() {
            return new DemoOptions(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0");
            }
            return value;
        }
    }
}
