package dev.duplex.adapter;

import dev.duplex.protocol.socketio.SocketPacket;

/** A packet encoded once (Socket.IO text and attachments, and their Engine.IO messages), shareable across sockets. */
public interface PreparedPacket {

    /** The packet it was made from. */
    SocketPacket packet();

    /** The encoded size in bytes (text and attachments), used to bound what is kept for recovery; 0 if unknown. */
    default long size() {
        return 0;
    }
}
