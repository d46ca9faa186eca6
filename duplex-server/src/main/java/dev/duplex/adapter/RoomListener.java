package dev.duplex.adapter;

/**
 * The room events of an adapter, as socket.io-adapter emits them: {@code create-room}, {@code delete-room},
 * {@code join-room} and {@code leave-room}. They concern the local sockets of the adapter's namespace (a socket's
 * own room, named by its id, included) and are called synchronously on the thread that changed the rooms, after
 * the change; a listener must be quick and must not block. Every method does nothing by default.
 *
 * @see Adapter#addRoomListener(RoomListener)
 */
public interface RoomListener {
    /** {@code create-room}: the first socket joins {@code room}, before its {@link #onJoinRoom}. */
    default void onCreateRoom(String room) {
    }

    /** {@code delete-room}: the last socket left {@code room}, after its {@link #onLeaveRoom}. */
    default void onDeleteRoom(String room) {
    }

    /** {@code join-room}: the socket {@code id} joined {@code room} (not called when it was in it already). */
    default void onJoinRoom(String room, String id) {
    }

    /** {@code leave-room}: the socket {@code id} left {@code room}. */
    default void onLeaveRoom(String room, String id) {
    }
}
