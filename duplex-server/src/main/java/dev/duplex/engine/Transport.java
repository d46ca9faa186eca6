package dev.duplex.engine;

/**
 * What a {@link Session} writes through (engine.io's {@code Transport}): {@link PollingTransport} or
 * {@link WebSocketTransport}. Confined to the session's loop, like the session.
 */
abstract class Transport {
    final Session session;

    Transport(Session session) {
        this.session = session;
    }

    /** {@code "polling"} or {@code "websocket"}. */
    abstract String name();

    /** Writes what the session has buffered when the transport can take it now. */
    abstract void flush();

    /** The listener stopped ({@code true}) or resumed reading from the client. */
    abstract void pauseReading(boolean paused);

    /** A server-initiated close, the session now closing: flush what is buffered, then close. */
    abstract void forceClose();

    /** The client sent a close packet (before the session closes). */
    void onClientClose() {
    }

    /** The session closed: answer or release what the transport still holds. */
    abstract void onSessionClosed();
}
