package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * A message between the servers of a cluster, in the image of socket.io-adapter's {@code ClusterMessage}. A
 * transport (Redis pub/sub, sharded pub/sub, streams, ...) maps it to and from its own wire format; the
 * {@link ClusterAdapter} gives it meaning. Fields that a type does not use are null.
 *
 * @param type        what the message is
 * @param uid         the sender's uid ({@code "emitter"} for an emitter; null when the wire format has none)
 * @param requestId   the request id of a request expecting responses, and of every response
 * @param args        BROADCAST: the event name and arguments; SERVER_SIDE_EMIT: the same
 * @param opts        BROADCAST, SOCKETS_JOIN/LEAVE, DISCONNECT_SOCKETS, FETCH_SOCKETS: the targets
 * @param rooms       SOCKETS_JOIN/LEAVE: the rooms to join or leave; ALL_ROOMS_RESPONSE: the rooms
 * @param close       DISCONNECT_SOCKETS: close the underlying connections
 * @param sockets     FETCH_SOCKETS_RESPONSE: the sockets
 * @param reply       SERVER_SIDE_EMIT_RESPONSE, BROADCAST_ACK: the acknowledgement's first argument
 * @param clientCount BROADCAST_CLIENT_COUNT: the number of sockets the packet was written to
 */
public record ClusterMessage(Type type, String uid, String requestId, List<?> args, BroadcastOptions opts,
                             Set<String> rooms, boolean close, List<? extends SocketDetails> sockets, JsonNode reply,
                             int clientCount) {

    /** The message types, numbered as in socket.io-adapter's {@code MessageType} (0: not in that model). */
    public enum Type {
        BROADCAST(3), SOCKETS_JOIN(4), SOCKETS_LEAVE(5), DISCONNECT_SOCKETS(6), FETCH_SOCKETS(7),
        FETCH_SOCKETS_RESPONSE(8), SERVER_SIDE_EMIT(9), SERVER_SIDE_EMIT_RESPONSE(10), BROADCAST_CLIENT_COUNT(11),
        BROADCAST_ACK(12),
        /** The classic Redis protocol's ALL_ROOMS request (socket.io-adapter's ClusterAdapter has none). */
        ALL_ROOMS(0),
        /** The response to {@link #ALL_ROOMS}. */
        ALL_ROOMS_RESPONSE(0);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** The number of socket.io-adapter's ClusterAdapter, or 0. */
        public int code() {
            return code;
        }

        /** True for the types that answer a request. */
        public boolean isResponse() {
            return this == FETCH_SOCKETS_RESPONSE || this == SERVER_SIDE_EMIT_RESPONSE
                    || this == BROADCAST_CLIENT_COUNT || this == BROADCAST_ACK || this == ALL_ROOMS_RESPONSE;
        }
    }

    /** A broadcast ({@code requestId} set when acks are expected). */
    public static ClusterMessage broadcast(String uid, List<?> args, BroadcastOptions opts, String requestId) {
        return new ClusterMessage(Type.BROADCAST, uid, requestId, args, opts, null, false, null, null, 0);
    }

    /** Makes the matched sockets join ({@code join}) or leave rooms. */
    public static ClusterMessage socketsJoinLeave(String uid, boolean join, BroadcastOptions opts, Set<String> rooms) {
        return new ClusterMessage(join ? Type.SOCKETS_JOIN : Type.SOCKETS_LEAVE, uid, null, null, opts, rooms, false,
                null, null, 0);
    }

    /** Disconnects the matched sockets. */
    public static ClusterMessage disconnectSockets(String uid, BroadcastOptions opts, boolean close) {
        return new ClusterMessage(Type.DISCONNECT_SOCKETS, uid, null, null, opts, null, close, null, null, 0);
    }

    /** Asks for the matched sockets. */
    public static ClusterMessage fetchSockets(String uid, String requestId, BroadcastOptions opts) {
        return new ClusterMessage(Type.FETCH_SOCKETS, uid, requestId, null, opts, null, false, null, null, 0);
    }

    /** Answers {@link #fetchSockets}. */
    public static ClusterMessage fetchSocketsResponse(String uid, String requestId,
                                                      List<? extends SocketDetails> sockets) {
        return new ClusterMessage(Type.FETCH_SOCKETS_RESPONSE, uid, requestId, null, null, null, false, sockets, null,
                0);
    }

    /** A server-side event ({@code requestId} set when replies are expected). */
    public static ClusterMessage serverSideEmit(String uid, String requestId, List<?> args) {
        return new ClusterMessage(Type.SERVER_SIDE_EMIT, uid, requestId, args, null, null, false, null, null, 0);
    }

    /** Replies to a server-side event. */
    public static ClusterMessage serverSideEmitResponse(String uid, String requestId, JsonNode reply) {
        return new ClusterMessage(Type.SERVER_SIDE_EMIT_RESPONSE, uid, requestId, null, null, null, false, null, reply,
                0);
    }

    /** The number of local sockets a broadcast with acks was written to. */
    public static ClusterMessage clientCount(String uid, String requestId, int count) {
        return new ClusterMessage(Type.BROADCAST_CLIENT_COUNT, uid, requestId, null, null, null, false, null, null,
                count);
    }

    /** One client's acknowledgement of a broadcast. */
    public static ClusterMessage broadcastAck(String uid, String requestId, JsonNode reply) {
        return new ClusterMessage(Type.BROADCAST_ACK, uid, requestId, null, null, null, false, null, reply, 0);
    }

    /** Asks for every room name. */
    public static ClusterMessage allRooms(String uid, String requestId) {
        return new ClusterMessage(Type.ALL_ROOMS, uid, requestId, null, null, null, false, null, null, 0);
    }

    /** Answers {@link #allRooms}. */
    public static ClusterMessage allRoomsResponse(String uid, String requestId, Set<String> rooms) {
        return new ClusterMessage(Type.ALL_ROOMS_RESPONSE, uid, requestId, null, null, rooms, false, null, null, 0);
    }
}
