package dev.duplex.engine;

import dev.duplex.protocol.engineio.EnginePacketType;

/** The WebSocket transport of a session, over the {@link WsHandler} of its channel. Session loop. */
final class WebSocketTransport extends Transport {
    final WsHandler ws;

    WebSocketTransport(Session session, WsHandler ws) {
        super(session);
        this.ws = ws;
    }

    /** The active transport of {@code session} when it is the WebSocket of {@code from}, else null. */
    static WebSocketTransport of(Session session, WsHandler from) {
        Transport t = session.transport;
        return t instanceof WebSocketTransport && ((WebSocketTransport) t).ws == from ? (WebSocketTransport) t : null;
    }

    io.netty.channel.EventLoop loop() {
        return ws.channel().eventLoop();
    }

    @Override
    String name() {
        return "websocket";
    }

    /**
     * Writes {@code item} to the channel at once, with nothing queued before it in the session (the caller's
     * write buffer is empty): a broadcast's member then costs no write-buffer bookkeeping. False (nothing done)
     * when the channel cannot take it now, or is on another thread: the caller queues it as usual.
     */
    boolean sendNow(Object item) {
        if (!ws.isReady() || !ws.writeNow(item)) {
            return false;
        }
        if (ws.isWritable()) {
            // as flush() with an empty buffer: drained when the socket can take more
            session.fireDrain();
        }
        return true;
    }

    @Override
    void flush() {
        if (!ws.isReady()) {
            return;
        }
        WriteBuffer buffer = session.writeBuffer;
        ws.writeAll(buffer);
        boolean closing = session.state() == Session.State.CLOSING;
        if (buffer.isEmpty() && (ws.isWritable() || closing)) {
            // drained only when the socket can take more: volatile packets are dropped while it cannot
            session.fireDrain();
            if (closing) {
                // closeWith closes the channel after marking the session closed, so the reason stays
                session.closeWith("forced close", null);
            }
        }
    }

    @Override
    void pauseReading(boolean paused) {
        ws.pauseReading(paused);
    }

    @Override
    void forceClose() {
        if (session.writeBuffer.isEmpty() || !ws.isReady()) {
            session.closeWith("forced close", null);
        } else {
            session.flush();
        }
    }

    @Override
    void onSessionClosed() {
        ws.closeChannel();
    }

    /** The channel became writable again. */
    void onWritable() {
        if (session.writeBuffer.isEmpty()) {
            session.fireDrain();
        } else {
            session.flush();
        }
    }

    // ------------------------------------------------------------------ from a WebSocket channel (session loop)

    /** A text frame from a WebSocket of {@code session}, already split into type and data. */
    static void onPacket(Session session, WsHandler from, EnginePacketType type, String data) {
        if (of(session, from) != null) {
            if (session.heartbeat.awaitingPong() && session.pingExpired()) {
                return;
            }
            session.onPacket(type, data);
        } else {
            Upgrade u = Upgrade.of(session, from);
            if (u != null) {
                u.onPacket(type, data);
            }
        }
    }

    /** A binary frame from a WebSocket of {@code session}. */
    static void onBinary(Session session, WsHandler from, byte[] data) {
        if (of(session, from) != null) {
            if (session.heartbeat.awaitingPong() && session.pingExpired()) {
                return;
            }
            session.onBinary(data);
        } else if (Upgrade.of(session, from) != null) {
            session.cancelUpgrade(true);
        }
    }

    /** An undecodable frame. */
    static void onParseError(Session session, WsHandler from) {
        if (of(session, from) != null) {
            session.closeWith("parse error", null);
        } else if (Upgrade.of(session, from) != null) {
            session.cancelUpgrade(true);
        }
    }

    /** The channel closed. */
    static void onClosed(Session session, WsHandler from, Throwable error) {
        if (of(session, from) != null) {
            if (error != null) {
                session.closeWith("transport error", error);
            } else {
                session.closeWith("transport close", null);
            }
        } else if (Upgrade.of(session, from) != null) {
            session.cancelUpgrade(false);
        }
    }

    /** The channel became writable again. */
    static void onWritable(Session session, WsHandler from) {
        WebSocketTransport t = of(session, from);
        if (t != null && session.state() != Session.State.CLOSED) {
            t.onWritable();
        }
    }

    /** A WebSocket with the session's sid completed its handshake: probe it, or close it when it cannot upgrade. */
    static void maybeUpgrade(Session session, WsHandler candidate) {
        // open, on polling, not being upgraded, never upgraded
        if (session.state() == Session.State.OPEN && session.upgrade == null && !session.upgraded
                && session.polling != null && session.transport == session.polling) {
            session.upgrade = new Upgrade(session, candidate);
        } else {
            candidate.closeChannel();
        }
    }
}
