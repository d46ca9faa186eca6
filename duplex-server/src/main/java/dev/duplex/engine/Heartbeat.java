package dev.duplex.engine;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat of a session (engine.io v4: the server pings every pingInterval, the client answers within
 * pingTimeout or the session closes with "ping timeout"). Session loop.
 */
final class Heartbeat implements Runnable {
    static final EngineMessage PING = EngineMessage.control('2', "");

    private final Session session;
    private final long intervalMs;
    private final long timeoutMs;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> pingTimeoutTimer;
    /** The loop ticker's time at which the pending ping times out (valid while pingTimeoutTimer is set). */
    private long pingDeadline;

    Heartbeat(Session session) {
        this.session = session;
        this.intervalMs = session.options.pingInterval().toMillis();
        this.timeoutMs = session.options.pingTimeout().toMillis();
    }

    /** Schedules the next ping (at the start, and after each pong). */
    void schedulePing() {
        cancel(pingTimer);
        pingTimer = session.schedule(this, intervalMs);
    }

    /** The ping timer's task (this object itself: an idle session keeps no extra task object). */
    @Override
    public void run() {
        sendPing();
    }

    private void pingTimedOut() {
        session.closeWith("ping timeout", null);
    }

    private void sendPing() {
        pingTimer = null;
        if (session.state() == Session.State.CLOSED) {
            return;
        }
        if (session.state() == Session.State.OPEN) {
            // like engine.io's sendPacket, nothing more is queued once closing; the timeout still runs
            session.writeBuffer.add(PING);
            session.flush();
        }
        cancel(pingTimeoutTimer);
        pingDeadline = session.eventLoop().ticker().nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        pingTimeoutTimer = session.schedule(this::pingTimedOut, timeoutMs);
    }

    /** The client answered the ping. */
    void onPong() {
        cancel(pingTimeoutTimer);
        pingTimeoutTimer = null;
        schedulePing();
    }

    /** Whether a ping waits for its pong. */
    boolean awaitingPong() {
        return pingTimeoutTimer != null;
    }

    /**
     * Whether the pong deadline has passed but the timer has not run yet (a busy or descheduled loop), so that
     * input processed late cannot outlive the deadline: timers first, like Node.
     */
    boolean expired() {
        return pingTimeoutTimer != null && session.eventLoop().ticker().nanoTime() - pingDeadline >= 0;
    }

    /** Moves the pending timers to {@code to}, keeping their deadlines (the session is moving there). */
    void moveTo(io.netty.channel.EventLoop to) {
        if (pingTimer != null) {
            long delay = Math.max(0, pingTimer.getDelay(TimeUnit.NANOSECONDS));
            pingTimer.cancel(false);
            pingTimer = session.schedule(to, this, delay);
        }
        if (pingTimeoutTimer != null) {
            long delay = Math.max(0, pingTimeoutTimer.getDelay(TimeUnit.NANOSECONDS));
            pingTimeoutTimer.cancel(false);
            pingTimeoutTimer = session.schedule(to, this::pingTimedOut, delay);
        }
    }

    void stop() {
        cancel(pingTimer);
        cancel(pingTimeoutTimer);
        pingTimer = null;
        pingTimeoutTimer = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
