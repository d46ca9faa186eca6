package dev.duplex.admin;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.server.ConnectionRefusedException;
import dev.duplex.server.Namespace;
import dev.duplex.server.SocketIoServer;
import dev.duplex.server.Socket;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the official Socket.IO Admin UI ({@code @socket.io/admin-ui} 0.5.x) on a Duplex server: what
 * {@code instrument(io, options)} does in Node. The UI (the hosted one, the one {@link AdminUiOptions#serveUi()}
 * serves, or any other copy) connects to the admin namespace ({@code /admin}) with its credentials and gets:
 * <ul>
 * <li>{@code config} (the features it may use), then every {@link AdminUiOptions#statsInterval() 2 s}
 * {@code server_stats}: server id, host name, pid, uptime, Engine.IO clients (and those on polling), sockets per
 * namespace, and the aggregated counts of connections, disconnections (by reason), packets and bytes in and out;</li>
 * <li>in {@link AdminUiOptions.Mode#DEVELOPMENT development} mode also {@code all_sockets} at connection, then
 * {@code socket_connected}, {@code socket_updated} (transport upgrade), {@code socket_disconnected},
 * {@code room_joined}, {@code room_left}, {@code event_received} and {@code event_sent} as they happen.</li>
 * </ul>
 * Unless {@link AdminUiOptions#readonly() read-only}, the UI's actions are carried out: {@code emit},
 * {@code join}, {@code leave} and {@code _disconnect}, on the sockets of a namespace, optionally of one room (a
 * socket id is a room).
 *
 * <p>Across a cluster it works as in Node: every server must attach the Admin UI; each sends its statistics and its
 * sockets' events to the admin namespace with an ordinary broadcast (so through the adapter to the UI, whichever
 * server it is connected to), {@code all_sockets} is made with {@link Namespace#fetchSockets()} and the actions
 * with {@code socketsJoin}, {@code socketsLeave}, {@code disconnectSockets} and broadcasts, which the cluster
 * adapter forwards. The UI's own data of a socket (its client id and transport) is kept in
 * {@link Socket#data()} under {@code "_admin"} (as Node keeps it in {@code socket.data._admin}) so that it
 * travels with {@code fetchSockets}; it is left out of the data the UI shows. An action on a namespace this server
 * does not have is ignored here (Node would create the namespace).
 *
 * <p>Changes of {@link Socket#data()} after the connection are not watched (Node watches them with a proxy): the
 * UI sees the data as it was at connection and at its last {@code all_sockets}.
 */
public final class AdminUi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminUi.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The key under which the auth middleware leaves a new session id for the connection listener. */
    static final String SESSION_KEY = "_adminSession";
    private static final List<String> ACTIONS = List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE",
            "MDISCONNECT");

    private final SocketIoServer io;
    private final AdminUiOptions options;
    private final Namespace adminNsp;
    private final Serializer serializer;
    private final EventBuffer events = new EventBuffer();
    private final List<String> features;
    private final String serverId;
    private final String hostname;
    private final long pid = ProcessHandle.current().pid();
    private final ScheduledExecutorService timer;
    /** Checks passwords one at a time; at most 32 wait (more are refused at once). */
    private final ThreadPoolExecutor bcryptThread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EngineEvents engineEvents;
    private final SocketEvents socketEvents;
    private final List<Runnable> cleanups = new ArrayList<>();

    private AdminUi(SocketIoServer io, AdminUiOptions options) {
        this.io = Objects.requireNonNull(io, "io");
        this.options = Objects.requireNonNull(options, "options");
        this.serializer = new Serializer(io.options().objectMapper());
        this.hostname = hostname();
        this.serverId = options.serverId() != null ? options.serverId() : hostname + "#" + pid;
        List<String> f = new ArrayList<>(options.readonly() ? List.of() : ACTIONS);
        f.add("AGGREGATED_EVENTS");
        if (options.mode() == AdminUiOptions.Mode.DEVELOPMENT) {
            f.add("ALL_EVENTS");
        }
        this.features = List.copyOf(f);
        this.adminNsp = io.of(options.namespaceName());
        this.engineEvents = new EngineEvents(events, this::onUpgrade);
        this.socketEvents = options.mode() == AdminUiOptions.Mode.DEVELOPMENT
                ? new SocketEvents(io, adminNsp, serializer, closed) : null;
        this.bcryptThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(32),
                r -> {
                    Thread t = new Thread(r, "duplex-admin-ui-auth");
                    t.setDaemon(true);
                    return t;
                });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-admin-ui-stats");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Instruments {@code io} for the Admin UI ({@code instrument(io, options)} of {@code @socket.io/admin-ui}),
     * and serves the UI when {@link AdminUiOptions#serveUi()} is on. Call it once per server, before or after
     * {@link SocketIoServer#start(int)}.
     *
     * @return the handle that {@link #close() stops} it
     */
    public static AdminUi attach(SocketIoServer io, AdminUiOptions options) {
        AdminUi admin = new AdminUi(io, options);
        admin.start();
        return admin;
    }

    /** A bcrypt hash (cost 10) of {@code password}, for {@link AdminUiOptions.Builder#basicAuth}. */
    public static String hashPassword(String password) {
        return BCrypt.withDefaults().hashToString(10, Objects.requireNonNull(password, "password").toCharArray());
    }

    /** This server's id in the UI. */
    public String serverId() {
        return serverId;
    }

    /** The features sent to the UI in {@code config} (e.g. {@code ["EMIT", ..., "AGGREGATED_EVENTS"]}). */
    public List<String> supportedFeatures() {
        return features;
    }

    /** The admin namespace. */
    public Namespace namespace() {
        return adminNsp;
    }

    /**
     * Stops sending statistics and events and stops serving the UI. The admin namespace stays (its sockets are
     * not disconnected) but its actions are no longer carried out.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timer.shutdownNow();
        bcryptThread.shutdown();
        io.removeConnectionListener(engineEvents);
        synchronized (cleanups) {
            cleanups.forEach(Runnable::run);
            cleanups.clear();
        }
    }

    // ------------------------------------------------------------------ set-up

    private void start() {
        if (options.auth()) {
            adminNsp.use(this::authenticate);
        } else {
            LOG.warn("Admin UI authentication is disabled: anyone reaching the port may use it");
        }
        if (socketEvents != null) {
            // the admin namespace's own sockets are listed too (as in Node), before its connection handler runs
            socketEvents.start(cleanups);
        }
        adminNsp.onConnection(this::onAdminConnection);
        io.addConnectionListener(engineEvents);
        if (options.serveUi()) {
            UiFiles.install(io, options.uiPath(), closed);
        }
        long every = options.statsInterval().toMillis();
        timer.scheduleAtFixedRate(this::emitStats, 0, every, TimeUnit.MILLISECONDS);
        LOG.info("Admin UI attached: namespace {}, server id {}, features {}{}", options.namespaceName(), serverId,
                features, options.serveUi() ? ", UI at " + options.uiPath() + "/" : "");
    }

    private void authenticate(Socket socket, java.util.function.Consumer<Exception> next) {
        JsonNode auth = socket.handshake().auth();
        String sessionId = text(auth, "sessionId");
        CompletableFuture<Boolean> known = sessionId != null
                ? options.store().exists(sessionId) : CompletableFuture.completedFuture(false);
        known.whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("Admin UI session store failed", error);
            }
            if (Boolean.TRUE.equals(ok)) {
                next.accept(null);
                return;
            }
            String username = text(auth, "username");
            String password = text(auth, "password");
            if (!options.username().equals(username) || password == null) {
                next.accept(new ConnectionRefusedException("invalid credentials"));
                return;
            }
            // bcrypt is slow on purpose: on a thread of its own, never on the handler threads
            try {
                bcryptThread.execute(() -> {
                    if (!matches(password, options.passwordHash())) {
                        next.accept(new ConnectionRefusedException("invalid credentials"));
                        return;
                    }
                    String id = HexFormat.of().formatHex(randomBytes(8));
                    options.store().save(id);
                    socket.data().put(SESSION_KEY, id);
                    next.accept(null);
                });
            } catch (RejectedExecutionException e) {
                next.accept(new ConnectionRefusedException("too many login attempts, try again"));
            }
        });
    }

    /** Whether {@code password} matches the bcrypt {@code hash} (as bcryptjs's {@code compare}). */
    static boolean matches(String password, String hash) {
        try {
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            if (pw.length > 72) {
                // bcrypt reads 72 bytes at most, as bcryptjs does
                pw = java.util.Arrays.copyOf(pw, 72);
            }
            return BCrypt.verifyer().verify(pw, hash.getBytes(StandardCharsets.UTF_8)).verified;
        } catch (RuntimeException e) {
            LOG.debug("bcrypt verification failed", e);
            return false;
        }
    }

    private void onAdminConnection(Socket socket) {
        if (closed.get()) {
            return;
        }
        Object session = socket.data().remove(SESSION_KEY);
        if (session != null) {
            socket.emit("session", session);
        }
        if (!options.readonly()) {
            Actions.register(io, socket, closed);
        }
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.putArray("supportedFeatures").addAll(features.stream().map(JsonNodeFactory.instance::textNode)
                .toList());
        socket.emit("config", config);
        if (socketEvents != null) {
            socketEvents.fetchAllSockets().whenComplete((all, error) -> {
                if (error != null) {
                    LOG.warn("Admin UI could not list the sockets", error);
                } else if (socket.connected()) {
                    socket.emit("all_sockets", all);
                }
            });
        }
    }

    private void onUpgrade(String engineId, String transport) {
        if (socketEvents != null && !closed.get()) {
            socketEvents.upgraded(engineId, transport);
        }
    }

    // ------------------------------------------------------------------ statistics

    private void emitStats() {
        try {
            adminNsp.emit("server_stats", stats());
        } catch (RuntimeException e) {
            LOG.warn("Admin UI statistics failed", e);
        }
    }

    ObjectNode stats() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("serverId", serverId);
        s.put("hostname", hostname);
        s.put("pid", pid);
        s.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        s.put("clientsCount", io.engine().clientsCount());
        s.put("pollingClientsCount", io.engine().sockets().stream()
                .filter(c -> "polling".equals(c.transport())).count());
        s.set("aggregatedEvents", events.takeAll());
        ArrayNode namespaces = s.putArray("namespaces");
        for (Namespace nsp : io.namespaces()) {
            namespaces.addObject().put("name", nsp.name()).put("socketsCount", nsp.sockets().size());
        }
        return s;
    }

    // ------------------------------------------------------------------ helpers

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "localhost";
        }
    }

    /** For tests: the user-visible options. */
    AdminUiOptions options() {
        return options;
    }

    static Map<String, Object> adminData(String engineId, String transport) {
        return Map.of("clientId", engineId.substring(0, Math.min(12, engineId.length())), "transport", transport);
    }
}
