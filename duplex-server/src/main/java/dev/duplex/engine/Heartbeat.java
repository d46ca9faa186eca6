package dev.duplex.engine;

/**
 * The heartbeat of a session (engine.io v4: the server pings every pingInterval, the client answers within
 * pingTimeout or the session closes with "ping timeout"). Its timers are entries in the {@link HeartbeatTimers} of
 * the loop that owns the session (this object is the entry: an idle session keeps no scheduled task of its own).
 * Session loop.
 */
final class Heartbeat implements Runnable {
    static final EngineMessage PING = EngineMessage.control('2', "");

    private final Session session;
    /** The timers of the loop that owns the session. */
    private HeartbeatTimers timers;
    /** The links and the deadline (the loop ticker's time) of this session's entry in {@link #timers}. */
    Heartbeat prev;
    Heartbeat next;
    long at;
    /** Which of {@link #timers}' lists holds this entry ({@link HeartbeatTimers#NONE} for none). */
    byte queued;
    /** The timer to add to the new loop's timers once the session has moved there, or NONE. */
    private byte moving;
    /** A ping waits for its pong (from the ping until the pong, or the close); {@link #at} is then its deadline. */
    private boolean awaiting;

    Heartbeat(Session session, HeartbeatTimers timers) {
        this.session = session;
        this.timers = timers;
    }

    /** Schedules the next ping (at the start, and after each pong). */
    void schedulePing() {
        timers.remove(this);
        moving = HeartbeatTimers.NONE;
        at = timers.now() + timers.intervalNanos;
        timers.add(this, HeartbeatTimers.PING);
    }

    /** A timer of this session fell due (the loop timer, on the session's loop): its action, as a session task. */
    void fire(byte kind) {
        if (kind == HeartbeatTimers.PING) {
            session.run(this);
        } else {
            session.run(this::pingTimedOut);
        }
    }

    /** The ping timer's action. */
    @Override
    public void run() {
        sendPing();
    }

    private void pingTimedOut() {
        session.closeWith("ping timeout", null);
    }

    private void sendPing() {
        if (session.state() == Session.State.CLOSED) {
            return;
        }
        if (session.state() == Session.State.OPEN) {
            // like engine.io's sendPacket, nothing more is queued once closing; the timeout still runs
            session.writeBuffer.add(PING);
            session.flush();
        }
        timers.remove(this);
        moving = HeartbeatTimers.NONE;
        awaiting = true;
        at = timers.now() + timers.timeoutNanos;
        timers.add(this, HeartbeatTimers.TIMEOUT);
    }

    /** The client answered the ping. */
    void onPong() {
        timers.remove(this);
        awaiting = false;
        schedulePing();
    }

    /** Whether a ping waits for its pong. */
    boolean awaitingPong() {
        return awaiting;
    }

    /**
     * Whether the pong deadline has passed but the timer has not run yet (a busy or descheduled loop), so that
     * input processed late cannot outlive the deadline: timers first, like Node.
     */
    boolean expired() {
        return awaiting && timers.now() - at >= 0;
    }

    /**
     * Takes the pending timer off this loop's timers before the session moves to the loop of {@code toTimers},
     * keeping its deadline; true when {@link #attach()} must then run as a task of the session there to add it.
     */
    boolean detach(HeartbeatTimers toTimers) {
        byte kind = queued;
        timers.remove(this);
        timers = toTimers;
        moving = kind;
        return kind != HeartbeatTimers.NONE;
    }

    /** Adds the timer taken by {@link #detach} to the new loop's timers, unless a later change replaced it. */
    void attach() {
        byte kind = moving;
        moving = HeartbeatTimers.NONE;
        if (kind != HeartbeatTimers.NONE && queued == HeartbeatTimers.NONE
                && session.state() != Session.State.CLOSED) {
            timers.add(this, kind);
        }
    }

    void stop() {
        timers.remove(this);
        moving = HeartbeatTimers.NONE;
        awaiting = false;
    }
}
