package dev.duplex.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.Namespace;
import dev.duplex.server.Socket;
import dev.duplex.server.SocketIoServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UI's actions on an admin socket: {@code emit (nsp, filter, event, ...args)}, {@code join (nsp, room, filter)},
 * {@code leave (nsp, room, filter)} and {@code _disconnect (nsp, close, filter)}, where {@code filter} (optional) is
 * a room (a socket id for one socket). They go through the broadcast operators, so a cluster adapter carries them
 * to the other servers. Malformed arguments are ignored.
 */
final class Actions {
    private static final Logger LOG = LoggerFactory.getLogger(Actions.class);

    private Actions() {
    }

    static void register(SocketIoServer io, Socket socket, AtomicBoolean closed) {
        socket.on("emit", (args, ack) -> {
            Namespace nsp = target(io, args, closed);
            String event = arg(args, 2);
            if (nsp == null || event == null) {
                return;
            }
            Object[] rest = args.subList(3, args.size()).toArray();
            String filter = arg(args, 1);
            LOG.debug("Admin UI: emit {} to {} {}", event, nsp.name(), filter);
            if (filter != null) {
                nsp.in(filter).emit(event, rest);
            } else {
                nsp.emit(event, rest);
            }
        });
        socket.on("join", (args, ack) -> {
            Namespace nsp = target(io, args, closed);
            String room = arg(args, 1);
            if (nsp == null || room == null) {
                return;
            }
            String filter = arg(args, 2);
            LOG.debug("Admin UI: sockets of {} {} join {}", nsp.name(), filter, room);
            if (filter != null) {
                nsp.in(filter).socketsJoin(room);
            } else {
                nsp.socketsJoin(room);
            }
        });
        socket.on("leave", (args, ack) -> {
            Namespace nsp = target(io, args, closed);
            String room = arg(args, 1);
            if (nsp == null || room == null) {
                return;
            }
            String filter = arg(args, 2);
            LOG.debug("Admin UI: sockets of {} {} leave {}", nsp.name(), filter, room);
            if (filter != null) {
                nsp.in(filter).socketsLeave(room);
            } else {
                nsp.socketsLeave(room);
            }
        });
        socket.on("_disconnect", (args, ack) -> {
            Namespace nsp = target(io, args, closed);
            if (nsp == null) {
                return;
            }
            boolean close = args.size() > 1 && args.get(1).asBoolean(false);
            String filter = arg(args, 2);
            LOG.debug("Admin UI: disconnect sockets of {} {} (close {})", nsp.name(), filter, close);
            if (filter != null) {
                nsp.in(filter).disconnectSockets(close);
            } else {
                nsp.disconnectSockets(close);
            }
        });
    }

    /** The existing namespace named by the first argument, or null. */
    private static Namespace target(SocketIoServer io, List<JsonNode> args, AtomicBoolean closed) {
        String name = arg(args, 0);
        if (closed.get() || name == null) {
            return null;
        }
        for (Namespace nsp : io.namespaces()) {
            if (nsp.name().equals(name)) {
                return nsp;
            }
        }
        return null;
    }

    /** A non-empty text argument, or null. */
    private static String arg(List<JsonNode> args, int i) {
        if (args.size() <= i || !args.get(i).isTextual() || args.get(i).asText().isEmpty()) {
            return null;
        }
        return args.get(i).asText();
    }
}
