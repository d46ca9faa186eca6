package dev.duplex.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.admin.AdminUi;
import dev.duplex.admin.AdminUiOptions;
import dev.duplex.engine.HttpHandler;
import dev.duplex.http.HttpFront;
import dev.duplex.http.RouteResponse;
import dev.duplex.http.Routes;
import dev.duplex.http.StaticFiles;
import dev.duplex.redis.RedisAdapterFactory;
import dev.duplex.redis.RedisAdapterOptions;
import dev.duplex.server.SocketIoServer;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The course's application on Duplex: one server, one port, serving the page ({@code index.html} for every
 * other route, like the course's {@code app.get("*")}), the socket.io-client script at
 * {@code <path>socket.io.js}, and the Socket.IO server behind the chat, rooms, form and monitoring panel.
 *
 * <pre>{@code
 * try (DemoServer demo = DemoServer.start(DemoOptions.builder().port(8080).build())) { ... }
 * }</pre>
 *
 * {@link #main} is the entry point of {@code bin/demo}.
 */
public final class DemoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);
    private static final String WEB = "dev/duplex/demo/web";
    private static final String CLIENT_JS = "dev/duplex/clientjs/";
    private static final String VENDOR = "dev/duplex/demo/vendor/";

    private final DemoOptions options;
    private final SocketIoServer io;
    private final Chat chat;
    private final ScheduledExecutorService ticker;
    private final RedisAdapterFactory redis;
    private final AdminUi admin;
    private final String adminPassword;

    private DemoServer(DemoOptions options) {
        this.options = options;
        this.redis = options.redis() == null ? null : RedisAdapterFactory.create(options.redis(),
                RedisAdapterOptions.defaults());
        this.io = SocketIoServer.create(redis == null ? options.serverOptions()
                : options.serverOptions().toBuilder().adapter(redis).build());
        this.chat = new Chat(io, options);
        io.fallback(front(options));
        if (options.admin()) {
            this.adminPassword = options.adminPassword() != null ? options.adminPassword() : randomPassword();
            this.admin = AdminUi.attach(io, AdminUiOptions.builder()
                    .basicAuth(options.adminUser(), AdminUi.hashPassword(adminPassword))
                    .serveUi(true)
                    .build());
        } else {
            this.adminPassword = null;
            this.admin = null;
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-stats");
            t.setDaemon(true);
            return t;
        });
    }

    /** Builds and starts the demo; blocks until the port is bound. */
    public static DemoServer start(DemoOptions options) {
        DemoServer demo = new DemoServer(options);
        try {
            if (options.host() == null) {
                demo.io.start(options.port());
            } else {
                demo.io.start(new InetSocketAddress(options.host(), options.port()));
            }
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
        long period = options.statsInterval().toMillis();
        demo.ticker.scheduleAtFixedRate(demo.chat::pushStats, period, period, TimeUnit.MILLISECONDS);
        return demo;
    }

    /** The HTTP front: the page's config, the vendored browser libraries, and the page for every other GET. */
    static HttpHandler front(DemoOptions options) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("path", options.path());
        config.put("serveClient", options.serveClient());
        // the built-in token is no secret (it is printed by --help): pre-fill it so the page works at once
        config.put("defaultToken", DemoOptions.DEFAULT_TOKEN.equals(options.token()) ? options.token() : "");
        String configJs;
        try {
            configJs = "window.DUPLEX_DEMO = " + new ObjectMapper().writeValueAsString(config) + ";\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Routes routes = Routes.builder()
                .get("/config.js", req -> RouteResponse.of("text/javascript; charset=utf-8",
                        configJs.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .withHeader("Cache-Control", "no-cache"))
                .get("/healthz", req -> RouteResponse.text("ok"))
                .build();
        StaticFiles uplot = StaticFiles.classpath(VENDOR + "uplot").mount("/vendor/uplot/").indexFile(null)
                .build();
        StaticFiles client = StaticFiles.classpath(CLIENT_JS + "socket.io-client").mount("/vendor/socket.io-client/")
                .indexFile(null).build();
        StaticFiles page = (options.staticDir() != null ? StaticFiles.directory(options.staticDir())
                : StaticFiles.classpath(WEB)).fallbackFile("index.html").build();
        return HttpFront.chain(routes, uplot, client, page);
    }

    /** The bound port. */
    public int port() {
        return io.port();
    }

    /** The Socket.IO server underneath. */
    public SocketIoServer io() {
        return io;
    }

    public DemoOptions options() {
        return options;
    }

    /** The Admin UI password ({@code --admin-password} or the random one), or null without {@code --admin}. */
    public String adminPassword() {
        return adminPassword;
    }

    private static String randomPassword() {
        byte[] b = new byte[12];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Stops the stats push and the server (sockets get "server shutting down"). Idempotent. */
    @Override
    public void close() {
        ticker.shutdownNow();
        if (admin != null) {
            admin.close();
        }
        io.close();
        if (redis != null) {
            redis.close();
        }
    }

    /** Entry point of {@code bin/demo}: parses the options, starts, and runs until Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (DemoOptions.UsageException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println();
            System.err.print(DemoOptions.usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(DemoOptions.usage());
            return;
        }
        DemoServer demo;
        try {
            demo = start(options);
        } catch (RuntimeException e) {
            System.err.println("demo: cannot start on port " + options.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
        String host = options.host() == null ? "localhost" : options.host();
        System.out.println("Duplex demo running on " + (options.tlsCert() == null ? "http" : "https") + "://" + host + ":" + demo.port() + "/  (Socket.IO path "
                + options.path() + (options.redis() == null ? "" : ", cluster through " + options.redis())
                + (options.token() == null ? ", no token" : ", token " + shown(options.token()))
                + "; Ctrl-C to stop)");
        if (options.admin()) {
            String base = (options.tlsCert() == null ? "http" : "https") + "://" + host + ":" + demo.port();
            System.out.println("Socket.IO Admin UI on " + base + "/admin/  (server URL " + base + ", user "
                    + options.adminUser() + ", password " + (options.adminPassword() == null
                    ? demo.adminPassword() : "set by --admin-password") + ")");
        }
        LOG.info("demo started with {}", describe(options));
        Thread.currentThread().join();
    }

    private static String shown(String token) {
        return DemoOptions.DEFAULT_TOKEN.equals(token) ? "\"" + token + "\"" : "set by --token";
    }

    private static String describe(DemoOptions o) {
        return "path=" + o.path() + " serveClient=" + o.serveClient() + " pingInterval=" + o.pingInterval().toMillis()
                + "ms pingTimeout=" + o.pingTimeout().toMillis() + "ms cors=" + o.corsOrigins() + " " + o.corsMethods()
                + " cookie=" + o.cookie() + " transports=" + o.transports()
                + (o.redis() == null ? "" : " redis=" + o.redis());
    }
}
