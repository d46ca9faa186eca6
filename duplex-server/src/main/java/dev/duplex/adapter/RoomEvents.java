package dev.duplex.adapter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The {@link RoomListener}s of an adapter; a failing listener is logged and does not stop the others. */
final class RoomEvents {
    private static final Logger LOG = LoggerFactory.getLogger(RoomEvents.class);
    private final List<RoomListener> listeners = new CopyOnWriteArrayList<>();

    void add(RoomListener l) {
        listeners.add(java.util.Objects.requireNonNull(l, "listener"));
    }

    void remove(RoomListener l) {
        listeners.remove(l);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** After a join: {@code create-room} when {@code created}, then {@code join-room} when {@code joined}. */
    void joined(String room, String id, boolean created, boolean joined) {
        for (RoomListener l : listeners) {
            try {
                if (created) {
                    l.onCreateRoom(room);
                }
                if (joined) {
                    l.onJoinRoom(room, id);
                }
            } catch (RuntimeException e) {
                LOG.warn("Room listener failed on join of {} to {}", id, room, e);
            }
        }
    }

    /** After a leave: {@code leave-room} when {@code left}, then {@code delete-room} when {@code deleted}. */
    void left(String room, String id, boolean left, boolean deleted) {
        for (RoomListener l : listeners) {
            try {
                if (left) {
                    l.onLeaveRoom(room, id);
                }
                if (deleted) {
                    l.onDeleteRoom(room);
                }
            } catch (RuntimeException e) {
                LOG.warn("Room listener failed on leave of {} from {}", id, room, e);
            }
        }
    }
}
