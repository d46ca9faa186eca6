package dev.duplex.engine;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat timers of the sessions that one event loop owns, for one server: one loop timer for all of them
 * instead of a scheduled task (and its entry in the loop's timer queue) per session, most of an idle session's
 * timer cost. Every session of a server has the same ping interval and the same ping timeout, so the pings
 * scheduled on a loop fall due in the order they were scheduled, and so do the pong deadlines: two first-in
 * first-out lists, linked through the {@link Heartbeat}s themselves, hold them, and the loop timer is armed for the
 * earliest head. Each timer keeps its exact deadline (a session that moves to this loop with an upgrade is placed
 * by its deadline, from the tail); a due timer's action runs as a task of its session, as a scheduled task's did.
 * Confined to the loop.
 */
final class HeartbeatTimers implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatTimers.class);

    static final byte NONE = 0;
    static final byte PING = 1;
    static final byte TIMEOUT = 2;

    private final EventLoop loop;
    final long intervalNanos;
    final long timeoutNanos;
    private Heartbeat pingHead;
    private Heartbeat pingTail;
    private Heartbeat timeoutHead;
    private Heartbeat timeoutTail;
    /** The loop timer, or null; it fires at {@link #wakeAt}. */
    private ScheduledFuture<?> timer;
    private long wakeAt;
    /** Inside {@link #run()}: timers added by the actions it runs wait for its own arming at the end. */
    private boolean running;

    HeartbeatTimers(EventLoop loop, EngineOptions options) {
        this.loop = loop;
        this.intervalNanos = options.pingInterval().toNanos();
        this.timeoutNanos = options.pingTimeout().toNanos();
    }

    long now() {
        return loop.ticker().nanoTime();
    }

    /** Adds {@code h}'s timer of {@code kind}, due at {@code h.at}; {@code h} is in no list. */
    void add(Heartbeat h, byte kind) {
        h.queued = kind;
        Heartbeat after = kind == PING ? pingTail : timeoutTail;
        // deadlines come in order, except for a session moved here by an upgrade: from the tail to its place
        while (after != null && after.at - h.at > 0) {
            after = after.prev;
        }
        h.prev = after;
        Heartbeat next = after == null ? (kind == PING ? pingHead : timeoutHead) : after.next;
        h.next = next;
        if (after == null) {
            setHead(kind, h);
        } else {
            after.next = h;
        }
        if (next == null) {
            setTail(kind, h);
        } else {
            next.prev = h;
        }
        if (h.prev == null) {
            arm();
        }
    }

    /** Removes {@code h}'s timer, if it has one in a list. */
    void remove(Heartbeat h) {
        byte kind = h.queued;
        if (kind == NONE) {
            return;
        }
        h.queued = NONE;
        Heartbeat prev = h.prev;
        Heartbeat next = h.next;
        if (prev == null) {
            setHead(kind, next);
        } else {
            prev.next = next;
        }
        if (next == null) {
            setTail(kind, prev);
        } else {
            next.prev = prev;
        }
        h.prev = null;
        h.next = null;
        // the loop timer stays: at worst it fires once early, finds nothing due and is armed again
    }

    private void setHead(byte kind, Heartbeat h) {
        if (kind == PING) {
            pingHead = h;
        } else {
            timeoutHead = h;
        }
    }

    private void setTail(byte kind, Heartbeat h) {
        if (kind == PING) {
            pingTail = h;
        } else {
            timeoutTail = h;
        }
    }

    /** The number of timers waiting (for tests; walks the lists). */
    int size() {
        int n = 0;
        for (Heartbeat h = pingHead; h != null; h = h.next) {
            n++;
        }
        for (Heartbeat h = timeoutHead; h != null; h = h.next) {
            n++;
        }
        return n;
    }

    /** Arms the loop timer for the earliest deadline, unless it already fires by then. */
    private void arm() {
        Heartbeat first = earliest();
        if (first == null || running) {
            return;
        }
        if (timer != null) {
            if (wakeAt - first.at <= 0) {
                return;
            }
            timer.cancel(false);
        }
        wakeAt = first.at;
        timer = loop.schedule(this, Math.max(0, first.at - now()), TimeUnit.NANOSECONDS);
    }

    private Heartbeat earliest() {
        Heartbeat p = pingHead;
        Heartbeat t = timeoutHead;
        if (p == null) {
            return t;
        }
        if (t == null) {
            return p;
        }
        return t.at - p.at < 0 ? t : p;
    }

    /** The loop timer: runs every timer due by now, in deadline order, then arms for the next. */
    @Override
    public void run() {
        timer = null;
        long now = now();
        running = true;
        try {
            Heartbeat h;
            while ((h = earliest()) != null && now - h.at >= 0) {
                byte kind = h.queued;
                remove(h);
                try {
                    h.fire(kind);
                } catch (RuntimeException e) {
                    log.warn("a heartbeat timer threw", e);
                }
            }
        } finally {
            running = false;
        }
        arm();
    }
}
