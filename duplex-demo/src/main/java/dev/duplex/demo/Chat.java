package dev.duplex.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.Ack;
import dev.duplex.server.ConnectionRefusedException;
import dev.duplex.server.Socket;
import dev.duplex.server.SocketIoServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's Socket.IO side, event by event as in the course:
 * <ul>
 * <li>connection middleware: {@code auth.token} must match, else CONNECT_ERROR "invalid token";</li>
 * <li>on connection: {@code socket.broadcast.emit("someone connected")} (the others only) and a "welcome" to the
 * socket itself;</li>
 * <li>"join" {nickname}: {@code io.emit("user joined")} (everyone, the newcomer included), acked;</li>
 * <li>"chat message" {text, room}: to everyone ({@code io.emit}) or to a room the sender is in;</li>
 * <li>"typing" {typing, room}: to the others ({@code socket.broadcast} or {@code socket.to(room)});</li>
 * <li>"join room" / "leave room" name: acked with the socket's rooms;</li>
 * <li>"form" {nom, age}: validated and acked;</li>
 * <li>every second: "stats" (connected clients, chat messages per second, JVM heap) to everyone.</li>
 * </ul>
 * Bad input (wrong types, missing fields, oversized text) is answered with an error ack or ignored; it never
 * disconnects anyone.
 */
final class Chat {
    private static final Logger LOG = LoggerFactory.getLogger(Chat.class);
    private static final String NICKNAME = "nickname";
    private static final Pattern ROOM = Pattern.compile("[\\p{L}\\p{N}_\\- ]{1,30}");
    private static final int MAX_TEXT = 500;
    private static final int MAX_NICKNAME = 24;
    private static final int MAX_ROOMS = 20;

    private final SocketIoServer io;
    private final DemoOptions options;
    private final AtomicLong messages = new AtomicLong();
    private final long startedAt = System.currentTimeMillis();
    private long lastCount;
    private long lastTime = System.nanoTime();
    /** The latest client count of each other node of the cluster, from their "demo:node-stats" server-side events. */
    private final Map<String, long[]> peers = new java.util.concurrent.ConcurrentHashMap<>();
    private final String nodeId = java.util.UUID.randomUUID().toString().substring(0, 8);

    Chat(SocketIoServer io, DemoOptions options) {
        this.io = io;
        this.options = options;
        io.use((socket, next) -> {
            String expected = options.token();
            JsonNode auth = socket.handshake().auth();
            JsonNode token = auth == null ? null : auth.get("token");
            if (expected != null && (token == null || !token.isTextual() || !expected.equals(token.asText()))) {
                next.accept(new ConnectionRefusedException("invalid token: access refused",
                        Map.of("hint", "the page must send auth.token as set by the demo's --token")));
                return;
            }
            next.accept(null);
        });
        io.onConnection(this::onConnection);
        io.sockets().onServerSideEmit(NODE_STATS, args -> {
            JsonNode s = first(args);
            if (s != null && s.path("node").isTextual() && s.path("clients").canConvertToInt()) {
                peers.put(s.path("node").asText(), new long[] {s.path("clients").asInt(), System.nanoTime()});
            }
        });
    }

    /** The server-side event by which the nodes of a cluster share their client counts. */
    static final String NODE_STATS = "demo:node-stats";

    private int localOnline() {
        return io.sockets().sockets().size();
    }

    /** The other nodes heard from lately (within three stats periods). */
    private List<long[]> livePeers() {
        long horizon = System.nanoTime() - 3 * options.statsInterval().toNanos();
        peers.values().removeIf(p -> p[1] < horizon);
        return new ArrayList<>(peers.values());
    }

    /** The clients of the whole cluster (this node's only when it runs alone). */
    private int online() {
        int total = localOnline();
        for (long[] p : livePeers()) {
            total += (int) p[0];
        }
        return total;
    }

    private void onConnection(Socket socket) {
        socket.broadcast().emit("someone connected", Map.of("id", socket.id(), "online", online()));
        socket.emit("welcome", Map.of("id", socket.id(), "online", online()));

        socket.on("join", (List<JsonNode> args, Ack ack) -> {
            JsonNode arg = first(args);
            String nickname = arg != null && arg.isObject() ? text(arg.get(NICKNAME)) : text(arg);
            nickname = nickname == null ? "" : nickname.strip();
            if (nickname.isEmpty() || nickname.length() > MAX_NICKNAME) {
                reply(ack, Map.of("ok", false, "error", "a nickname has 1 to " + MAX_NICKNAME + " characters"));
                return;
            }
            boolean rejoin = arg != null && arg.isObject() && arg.path("rejoin").asBoolean(false);
            socket.data().put(NICKNAME, nickname);
            io.emit("user joined", Map.of("id", socket.id(), NICKNAME, nickname, "online", online(), "rejoin", rejoin));
            reply(ack, Map.of("ok", true, NICKNAME, nickname));
        });

        socket.on("chat message", (List<JsonNode> args, Ack ack) -> {
            JsonNode arg = first(args);
            String text = arg != null && arg.isObject() ? text(arg.get("text")) : text(arg);
            if (text == null || text.isBlank()) {
                reply(ack, Map.of("ok", false, "error", "empty message"));
                return;
            }
            if (text.length() > MAX_TEXT) {
                text = text.substring(0, MAX_TEXT);
            }
            String room = arg != null && arg.isObject() ? text(arg.get("room")) : null;
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", socket.id());
            message.put(NICKNAME, nickname(socket));
            message.put("text", text);
            message.put("time", System.currentTimeMillis());
            messages.incrementAndGet();
            if (room != null && !room.isEmpty()) {
                if (!socket.rooms().contains(room)) {
                    reply(ack, Map.of("ok", false, "error", "join #" + room + " first"));
                    return;
                }
                message.put("room", room);
                io.to(room).emit("chat message", message);
            } else {
                io.emit("chat message", message);
            }
            reply(ack, Map.of("ok", true));
        });

        socket.on("typing", (List<JsonNode> args, Ack ack) -> {
            JsonNode arg = first(args);
            boolean typing = arg != null && arg.isObject() ? arg.path("typing").asBoolean(false) : arg != null
                    && arg.asBoolean(false);
            String room = arg != null && arg.isObject() ? text(arg.get("room")) : null;
            Map<String, Object> event = Map.of("id", socket.id(), NICKNAME, nickname(socket), "typing", typing);
            if (room != null && socket.rooms().contains(room)) {
                socket.to(room).emit("typing", event);
            } else {
                socket.broadcast().emit("typing", event);
            }
        });

        socket.on("join room", (List<JsonNode> args, Ack ack) -> {
            String room = text(first(args));
            room = room == null ? "" : room.strip();
            if (!ROOM.matcher(room).matches()) {
                reply(ack, Map.of("ok", false, "error", "a room name has 1 to 30 letters, digits, spaces, _ or -"));
                return;
            }
            if (!socket.rooms().contains(room) && userRooms(socket).size() >= MAX_ROOMS) {
                reply(ack, Map.of("ok", false, "error", "at most " + MAX_ROOMS + " rooms"));
                return;
            }
            if (!socket.rooms().contains(room)) {
                socket.join(room);
                socket.to(room).emit("room notice", Map.of("room", room,
                        "text", nickname(socket) + " joined #" + room));
            }
            reply(ack, Map.of("ok", true, "room", room, "rooms", userRooms(socket)));
        });

        socket.on("leave room", (List<JsonNode> args, Ack ack) -> {
            String room = text(first(args));
            if (room == null || room.equals(socket.id()) || !socket.rooms().contains(room)) {
                reply(ack, Map.of("ok", false, "error", "not in that room", "rooms", userRooms(socket)));
                return;
            }
            socket.leave(room);
            io.to(room).emit("room notice", Map.of("room", room, "text", nickname(socket) + " left #" + room));
            reply(ack, Map.of("ok", true, "room", room, "rooms", userRooms(socket)));
        });

        socket.on("form", (List<JsonNode> args, Ack ack) -> reply(ack, form(first(args))));

        socket.onDisconnect(reason -> {
            Object nickname = socket.data().get(NICKNAME);
            if (nickname != null) {
                io.emit("user left", Map.of("id", socket.id(), NICKNAME, nickname, "online", online(),
                        "reason", reason));
            }
        });
        socket.onError(e -> LOG.debug("socket {}: {}", socket.id(), e.toString()));
    }

    /** The course's form: {nom, age} answered through the ack. */
    static Map<String, Object> form(JsonNode arg) {
        if (arg == null || !arg.isObject()) {
            return Map.of("ok", false, "error", "expected {nom, age}");
        }
        String nom = text(arg.get("nom"));
        JsonNode ageNode = arg.get("age");
        if (nom == null || nom.isBlank() || nom.length() > 40) {
            return Map.of("ok", false, "error", "nom: 1 to 40 characters");
        }
        Integer parsed = null;
        if (ageNode != null && ageNode.isIntegralNumber() && ageNode.canConvertToInt()) {
            parsed = ageNode.intValue();
        } else if (ageNode != null && ageNode.isTextual()) {
            try {
                parsed = Integer.parseInt(ageNode.asText().trim());
            } catch (NumberFormatException e) {
                parsed = null;
            }
        }
        if (parsed == null) {
            return Map.of("ok", false, "error", "age: a whole number");
        }
        int age = parsed;
        if (age < 0 || age > 150) {
            return Map.of("ok", false, "error", "age: between 0 and 150");
        }
        String clean = nom.strip();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("nom", clean);
        answer.put("age", age);
        answer.put("message", "Merci " + clean + " (" + age + " ans), formulaire reçu par le serveur.");
        answer.put("receivedAt", System.currentTimeMillis());
        return answer;
    }

    /** Pushes the monitoring numbers to everyone; run every second by the demo's ticker. */
    void pushStats() {
        try {
            long now = System.nanoTime();
            long count = messages.get();
            double seconds = Math.max(1e-3, (now - lastTime) / 1e9);
            long perSecond = Math.round((count - lastCount) / seconds);
            lastCount = count;
            lastTime = now;
            Runtime rt = Runtime.getRuntime();
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("time", System.currentTimeMillis());
            stats.put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000);
            int local = localOnline();
            // tell the other nodes of the cluster (a no-op when alone); each page charts its own node's numbers
            // with the cluster's client total
            io.serverSideEmit(NODE_STATS, Map.of("node", nodeId, "clients", local));
            stats.put("clients", online());
            stats.put("nodeClients", local);
            stats.put("nodes", 1 + livePeers().size());
            stats.put("node", nodeId);
            stats.put("engineClients", io.clientsCount());
            stats.put("messagesPerSecond", perSecond);
            stats.put("messagesTotal", count);
            stats.put("heapUsed", rt.totalMemory() - rt.freeMemory());
            stats.put("heapMax", rt.maxMemory());
            stats.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
            io.local().emit("stats", stats);
        } catch (RuntimeException e) {
            LOG.warn("stats push failed", e);
        }
    }

    private static List<String> userRooms(Socket socket) {
        List<String> rooms = new ArrayList<>();
        for (String r : socket.rooms()) {
            if (!r.equals(socket.id())) {
                rooms.add(r);
            }
        }
        rooms.sort(String::compareTo);
        return rooms;
    }

    private static String nickname(Socket socket) {
        Object n = socket.data().get(NICKNAME);
        return n == null ? "anonymous" : n.toString();
    }

    private static JsonNode first(List<JsonNode> args) {
        return args == null || args.isEmpty() ? null : args.get(0);
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static void reply(Ack ack, Object value) {
        if (ack != null) {
            ack.send(value);
        }
    }

    DemoOptions options() {
        return options;
    }
}
