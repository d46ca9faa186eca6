package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * What a scenario does when a generator connection makes progress. Every callback runs on the generator's single
 * event-loop thread, so implementations need no locking as long as they only touch state from that thread.
 */
interface ConnectionListener {
    /** The Socket.IO CONNECT to the main namespace was answered ({@code 40{"sid":...}}). */
    void onConnected(WsConnection c);

    /**
     * An ACK arrived: {@code 43<id>[...]}. {@code frame} holds the whole Socket.IO packet text (after the Engine.IO
     * {@code 4}: its readable bytes); {@code argsStart} is the index of the {@code [} relative to its reader index. The
     * buffer is the receive buffer itself, only valid during the call; read it with absolute gets, never move its indices.
     */
    void onAck(WsConnection c, long id, ByteBuf frame, int argsStart);

    /** An EVENT arrived: {@code 42[...]}; {@code argsStart} is the index of the {@code [} in {@code frame}. */
    void onEvent(WsConnection c, ByteBuf frame, int argsStart);

    /** The connection closed or failed; {@code cause} is null for an ordinary close. */
    void onClosed(WsConnection c, Throwable cause);
}
