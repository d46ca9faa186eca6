package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.protocol.engineio.EnginePacketType;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #19: the sessions of one event loop share one loop timer for their heartbeats (no scheduled task per
 * session), and each keeps engine.io's exact deadlines: a ping pingInterval after the start or the last pong, the
 * close with "ping timeout" pingTimeout after a ping without pong. Time is the embedded loop's, frozen and moved by
 * the test.
 */
class HeartbeatTimersTest {
    private EngineServer server;
    private EmbeddedChannel ch;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        server = EngineServer.create(EngineOptions.builder().pingInterval(Duration.ofMillis(1000))
                .pingTimeout(Duration.ofMillis(500)).build());
        ch = new EmbeddedChannel();
        ch.freezeTime();
    }

    @AfterEach
    void tearDown() {
        server.close();
        ch.finishAndReleaseAll();
    }

    private Session start(String id) {
        Session s = new Session(server, id, null, ch.eventLoop(), "polling");
        s.setListener(new EngineSocket.Listener() {
            @Override
            public void onClose(String reason, Throwable cause) {
                events.add(id + ":" + reason);
            }
        });
        s.start(null);
        drain(s);
        return s;
    }

    /** The packets the session queued (no GET takes them), removed. */
    private static int pings(Session s) {
        int n = 0;
        Object o;
        while ((o = s.writeBuffer.poll()) != null) {
            if (o == Heartbeat.PING) {
                n++;
            }
        }
        return n;
    }

    private static void drain(Session s) {
        while (s.writeBuffer.poll() != null) {
            // the open packet
        }
    }

    private void advance(long ms) {
        ch.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    @Test
    void eachSessionIsPingedAndTimedOutAtItsOwnDeadline() {
        Session a = start("a");
        advance(100);
        Session b = start("b");
        advance(100);
        Session c = start("c");
        // t = 200
        advance(799);
        assertThat(pings(a) + pings(b) + pings(c)).isZero();
        advance(1);
        // t = 1000: a's ping only
        assertThat(pings(a)).isOne();
        assertThat(pings(b) + pings(c)).isZero();
        assertThat(a.heartbeat.awaitingPong()).isTrue();
        advance(100);
        // t = 1100: b's; b answers at once
        assertThat(pings(b)).isOne();
        b.onPacket(EnginePacketType.PONG, "");
        assertThat(b.heartbeat.awaitingPong()).isFalse();
        advance(99);
        assertThat(pings(c)).isZero();
        advance(1);
        // t = 1200: c's
        assertThat(pings(c)).isOne();
        advance(299);
        // t = 1499: a's pong is due at 1500
        assertThat(a.isOpen()).isTrue();
        assertThat(a.heartbeat.expired()).isFalse();
        advance(1);
        assertThat(events).containsExactly("a:ping timeout");
        assertThat(a.isOpen()).isFalse();
        // c answers in time (t = 1600, due at 1700): its next ping 1000 ms after the pong
        advance(100);
        c.onPacket(EnginePacketType.PONG, "");
        advance(400);
        // t = 2000: b's ping was scheduled at 1100 for 2100
        assertThat(pings(b) + pings(c)).isZero();
        advance(100);
        assertThat(pings(b)).isOne();
        assertThat(pings(c)).isZero();
        advance(499);
        // t = 2599: c's next ping at 2600, b's pong due at 2600
        assertThat(pings(c)).isZero();
        assertThat(b.isOpen()).isTrue();
        advance(1);
        assertThat(pings(c)).isOne();
        assertThat(events).containsExactly("a:ping timeout", "b:ping timeout");
        assertThat(pings(a)).isZero();
        // a closed session has no timer left: nothing more for a and b, c goes on
        c.onPacket(EnginePacketType.PONG, "");
        advance(999);
        assertThat(pings(c)).isZero();
        advance(1);
        // t = 3600
        assertThat(pings(c)).isOne();
        assertThat(c.isOpen()).isTrue();
        advance(5000);
        assertThat(events).containsExactly("a:ping timeout", "b:ping timeout", "c:ping timeout");
        assertThat(pings(a) + pings(b) + pings(c)).isZero();
    }

    /**
     * An upgrade that moves the session to the WebSocket's loop takes its pending timer along, deadline kept: off
     * the old loop's timers, onto the new loop's, where it fires (never early).
     */
    @Test
    void aSessionMovedToAnotherLoopTakesItsTimerThere() throws Exception {
        EngineServer moving = EngineServer.create(EngineOptions.builder().pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofSeconds(20)).build());
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            EventLoop a = group.next();
            EventLoop b = group.next();
            assertThat(a).isNotSameAs(b);
            long t0 = System.nanoTime();
            Session s = a.submit(() -> {
                Session x = new Session(moving, "m", null, a, "polling");
                x.start(null);
                drain(x);
                return x;
            }).get(5, TimeUnit.SECONDS);
            a.submit(() -> s.moveTo(b)).get(5, TimeUnit.SECONDS);
            assertThat(a.submit(() -> moving.heartbeatTimers(a).size()).get(5, TimeUnit.SECONDS)).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.submit(() -> pings(s)).get() == 1);
            assertThat(System.nanoTime() - t0).as("not before its deadline")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            // the pong deadline waits in b's timers now
            assertThat(b.submit(() -> s.heartbeat.awaitingPong() && moving.heartbeatTimers(b).size() == 1)
                    .get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(a.submit(() -> moving.heartbeatTimers(a).size()).get(5, TimeUnit.SECONDS)).isZero();
            b.submit(() -> s.closeWith("forced close", null)).get(5, TimeUnit.SECONDS);
            assertThat(b.submit(() -> moving.heartbeatTimers(b).size()).get(5, TimeUnit.SECONDS)).isZero();
        } finally {
            moving.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPongLateInTheLoopIsATimeoutOnceTheDeadlineHasPassed() {
        Session a = start("a");
        advance(1000);
        assertThat(pings(a)).isOne();
        // the deadline passes while the loop is busy (its timers have not run): timers first, like Node
        ch.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        assertThat(a.heartbeat.expired()).isTrue();
        assertThat(a.pingExpired()).isTrue();
        assertThat(events).containsExactly("a:ping timeout");
    }
}
