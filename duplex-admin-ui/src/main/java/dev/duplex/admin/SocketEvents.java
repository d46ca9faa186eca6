package dev.duplex.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.adapter.RoomListener;
import dev.duplex.server.Namespace;
import dev.duplex.server.RemoteSocket;
import dev.duplex.server.Socket;
import dev.duplex.server.SocketIoServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Development mode: the sockets and events of every namespace, sent to the admin namespace as they happen
 * ({@code socket_connected}, {@code socket_updated}, {@code socket_disconnected}, {@code room_joined},
 * {@code room_left}, {@code event_received}, {@code event_sent}), and {@code all_sockets}.
 */
final class SocketEvents {
    private final SocketIoServer io;
    private final Namespace adminNsp;
    private final Serializer serializer;
    private final AtomicBoolean closed;
    /** The namespaces already instrumented (weakly: a removed dynamic child goes away). */
    private final Set<Namespace> instrumented = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    /** The local sockets of each Engine.IO connection, to tell the UI of their transport upgrade. */
    private final ConcurrentHashMap<String, Set<Socket>> byConnection = new ConcurrentHashMap<>();

    SocketEvents(SocketIoServer io, Namespace adminNsp, Serializer serializer, AtomicBoolean closed) {
        this.io = io;
        this.adminNsp = adminNsp;
        this.serializer = serializer;
        this.closed = closed;
    }

    void start(List<Runnable> cleanups) {
        Consumer<Namespace> onNew = nsp -> instrument(nsp, cleanups);
        io.onNewNamespace(onNew);
        synchronized (cleanups) {
            cleanups.add(() -> io.offNewNamespace(onNew));
        }
        for (Namespace nsp : io.namespaces()) {
            instrument(nsp, cleanups);
        }
    }

    private void instrument(Namespace nsp, List<Runnable> cleanups) {
        if (!instrumented.add(nsp)) {
            return;
        }
        String name = nsp.name();
        nsp.onConnection(socket -> onConnection(nsp, socket));
        RoomListener rooms = new RoomListener() {
            @Override
            public void onJoinRoom(String room, String id) {
                if (!closed.get()) {
                    adminNsp.emit("room_joined", name, room, id, Serializer.now());
                }
            }

            @Override
            public void onLeaveRoom(String room, String id) {
                if (!closed.get()) {
                    adminNsp.emit("room_left", name, room, id, Serializer.now());
                }
            }
        };
        nsp.adapter().addRoomListener(rooms);
        synchronized (cleanups) {
            cleanups.add(() -> nsp.adapter().removeRoomListener(rooms));
        }
        // sockets connected before the UI was attached get their client id and transport too
        for (Socket s : nsp.sockets().values()) {
            s.data().putIfAbsent(Serializer.ADMIN_KEY, AdminUi.adminData(s.engineId(), s.transport()));
            track(s);
        }
    }

    private void onConnection(Namespace nsp, Socket socket) {
        if (closed.get()) {
            return;
        }
        String transport = socket.transport();
        socket.data().put(Serializer.ADMIN_KEY, AdminUi.adminData(socket.engineId(), transport));
        track(socket);
        adminNsp.emit("socket_connected", serializer.socket(socket), Serializer.now());
        String now = socket.transport();
        if (!now.equals(transport)) {
            // upgraded before it was tracked: the upgrade listener did not see it
            transportChanged(socket, now);
        }
        String name = nsp.name();
        if (nsp != adminNsp) {
            socket.onAny((event, args) -> {
                if (!closed.get()) {
                    adminNsp.emit("event_received", name, socket.id(), eventArgs(event, args), Serializer.now());
                }
            });
            socket.onAnyOutgoing((event, args) -> {
                if (!closed.get()) {
                    adminNsp.emit("event_sent", name, socket.id(), eventArgs(event, args), Serializer.now());
                }
            });
        }
        socket.onDisconnect(reason -> {
            untrack(socket);
            if (!closed.get()) {
                adminNsp.emit("socket_disconnected", name, socket.id(), reason, Serializer.now());
            }
        });
    }

    private ArrayNode eventArgs(String event, List<?> args) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.add(event);
        for (Object arg : args) {
            JsonNode n = arg instanceof JsonNode j ? j : serializer.toJson(arg);
            a.add(n == null ? JsonNodeFactory.instance.nullNode() : n);
        }
        return a;
    }

    private void track(Socket socket) {
        byConnection.computeIfAbsent(socket.engineId(), k -> ConcurrentHashMap.newKeySet()).add(socket);
        if (!socket.connected()) {
            // disconnected meanwhile: its disconnect listener may have run before it was tracked
            untrack(socket);
        }
    }

    private void untrack(Socket socket) {
        byConnection.computeIfPresent(socket.engineId(), (k, set) -> {
            set.remove(socket);
            return set.isEmpty() ? null : set;
        });
    }

    /** The connection {@code engineId} was upgraded: its sockets' transport changes ({@code socket_updated}). */
    void upgraded(String engineId, String transport) {
        Set<Socket> sockets = byConnection.get(engineId);
        if (sockets == null) {
            return;
        }
        for (Socket s : List.copyOf(sockets)) {
            transportChanged(s, transport);
        }
    }

    private void transportChanged(Socket s, String transport) {
        s.data().put(Serializer.ADMIN_KEY, AdminUi.adminData(s.engineId(), transport));
        ObjectNode update = JsonNodeFactory.instance.objectNode();
        update.put("id", s.id());
        update.put("nsp", s.nsp().name());
        update.put("transport", transport);
        adminNsp.emit("socket_updated", update);
    }

    /** Every socket of every namespace, on every server of the cluster ({@code fetchSockets}). */
    CompletableFuture<ArrayNode> fetchAllSockets() {
        List<CompletableFuture<List<ObjectNode>>> parts = new ArrayList<>();
        for (Namespace nsp : io.namespaces()) {
            String name = nsp.name();
            parts.add(nsp.fetchSockets()
                    .thenApply(list -> {
                        List<ObjectNode> out = new ArrayList<>(list.size());
                        for (RemoteSocket s : list) {
                            out.add(serializer.socket(s, name));
                        }
                        return out;
                    })
                    .exceptionally(e -> {
                        // e.g. another server did not answer in time: at least this server's sockets
                        List<ObjectNode> out = new ArrayList<>();
                        for (Socket s : nsp.sockets().values()) {
                            out.add(serializer.socket(s));
                        }
                        return out;
                    }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            for (CompletableFuture<List<ObjectNode>> p : parts) {
                all.addAll(p.join());
            }
            return all;
        });
    }

    /** For tests. */
    Map<String, Set<Socket>> connections() {
        return byConnection;
    }
}
