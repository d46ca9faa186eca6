package dev.duplex.demo;

import dev.duplex.engine.CookieOptions;
import dev.duplex.engine.CorsOptions;
import dev.duplex.server.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final Path tlsCert;
    private final Path tlsKey;

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
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
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
        b.tlsCert = tlsCert;
        b.tlsKey = tlsKey;
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
        return String.join("\n",
                "Usage: bin/demo [options]",
                "",
                "Starts the Duplex demo: one server on one port for the page, the socket.io-client script and",
                "Socket.IO (chat with rooms, token check, form with ack, live monitoring chart, connection state).",
                "",
                "Options (each also as --name=value):",
                "  --port N              HTTP port (default 8080; 0 = any free port)",
                "  --host ADDR           interface to bind (default: all interfaces)",
                "  --path P              Socket.IO path (default /socket.io/)",
                "  --cors-origin O       allowed CORS origin(s), comma-separated, or * (default: no CORS headers)",
                "  --cors-methods M      CORS methods, comma-separated (default GET,POST)",
                "  --cors-credentials    send Access-Control-Allow-Credentials: true",
                "  --serve-client B      serve /socket.io/socket.io.js: true|false (default true; with false the page",
                "                        loads its own copy from /vendor/socket.io-client/)",
                "  --ping-interval MS    Engine.IO ping interval in ms (default 25000)",
                "  --ping-timeout MS     Engine.IO ping timeout in ms (default 20000)",
                "  --connect-timeout MS  time allowed for the Socket.IO CONNECT in ms (default 45000)",
                "  --cookie [NAME]       send the Engine.IO session cookie (default name io; off by default)",
                "  --transports T        polling,websocket (default both)",
                "  --token T             token the connection middleware requires (default " + DEFAULT_TOKEN + ")",
                "  --no-token            accept every connection",
                "  --static DIR          serve the page from DIR instead of the built-in one",
                "  --tls-cert FILE       serve HTTPS/WSS with this PEM certificate chain (with --tls-key)",
                "  --tls-key FILE        the PEM (PKCS#8, unencrypted) private key of --tls-cert",
                "  --stats-interval MS   monitoring push period in ms (default 1000)",
                "  -h, --help            print this help and exit",
                "");
    }

    /** Thrown by {@link #parse} for a bad command line; its message says what is wrong. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Reads a command line; returns null when {@code --help} was asked. */
    public static DemoOptions parse(String... args) throws UsageException {
        Builder b = builder();
        List<String> list = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            final int at = i;
            final String given = inline;
            java.util.function.Supplier<String> value = () -> given != null ? given
                    : at + 1 < list.size() ? list.get(at + 1) : null;
            boolean consumed = inline == null;
            try {
                switch (name) {
                    case "-h":
                    case "--help":
                        return null;
                    case "--port":
                        b.port(Integer.parseInt(need(name, value.get())));
                        break;
                    case "--host":
                        b.host(need(name, value.get()));
                        break;
                    case "--path":
                        b.path(need(name, value.get()));
                        break;
                    case "--cors-origin":
                        b.corsOrigins(split(need(name, value.get())));
                        break;
                    case "--cors-methods":
                        b.corsMethods(split(need(name, value.get())));
                        break;
                    case "--cors-credentials":
                        consumed = false;
                        b.corsCredentials(inline == null || bool(name, inline));
                        break;
                    case "--serve-client":
                        String v = given != null ? given : value.get();
                        if (given == null && (v == null || v.startsWith("--"))) {
                            consumed = false;
                            b.serveClient(true);
                        } else {
                            b.serveClient(bool(name, v));
                        }
                        break;
                    case "--no-serve-client":
                        consumed = false;
                        b.serveClient(false);
                        break;
                    case "--ping-interval":
                        b.pingInterval(Duration.ofMillis(millis(name, value.get())));
                        break;
                    case "--ping-timeout":
                        b.pingTimeout(Duration.ofMillis(millis(name, value.get())));
                        break;
                    case "--connect-timeout":
                        b.connectTimeout(Duration.ofMillis(millis(name, value.get())));
                        break;
                    case "--stats-interval":
                        b.statsInterval(Duration.ofMillis(millis(name, value.get())));
                        break;
                    case "--cookie":
                        String c = given != null ? given : value.get();
                        if (given == null && (c == null || c.startsWith("--"))) {
                            consumed = false;
                            b.cookie("io");
                        } else if (c.equalsIgnoreCase("false") || c.equalsIgnoreCase("off")) {
                            b.cookie(null);
                        } else {
                            b.cookie(c.equalsIgnoreCase("true") || c.equalsIgnoreCase("on") ? "io" : c);
                        }
                        break;
                    case "--transports":
                        b.transports(split(need(name, value.get())));
                        break;
                    case "--token":
                        b.token(need(name, value.get()));
                        break;
                    case "--no-token":
                        consumed = false;
                        b.token(null);
                        break;
                    case "--static":
                        b.staticDir(Path.of(need(name, value.get())));
                        break;
                    case "--tls-cert":
                        b.tlsCert(Path.of(need(name, value.get())));
                        break;
                    case "--tls-key":
                        b.tlsKey(Path.of(need(name, value.get())));
                        break;
                    default:
                        throw new UsageException("unknown option: " + arg);
                }
            } catch (NumberFormatException e) {
                throw new UsageException("not a number for " + name + ": " + value.get());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (consumed) {
                i++;
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String need(String name, String value) throws UsageException {
        if (value == null) {
            throw new UsageException(name + " needs a value");
        }
        return value;
    }

    private static boolean bool(String name, String value) throws UsageException {
        switch (need(name, value).toLowerCase(Locale.ROOT)) {
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

    private static long millis(String name, String value) throws UsageException {
        long ms = Long.parseLong(need(name, value));
        if (ms <= 0) {
            throw new UsageException(name + " must be > 0 ms");
        }
        return ms;
    }

    private static List<String> split(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
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
        private Path tlsCert;
        private Path tlsKey;

        private Builder() {
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
