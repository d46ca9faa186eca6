package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.engine.EngineSocket;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A received packet on a lane of the event loop that reads it runs at once when the lane is idle (no queue, no
 * hand-off to the loop's task queue: the handler's writes go out with the read), and behind the lane's queued
 * tasks otherwise; what it queues runs after it, in order.
 */
class LanePacketTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static EngineSocket on(EventLoop loop) {
        return new FakeEngineSocket(loop, new CopyOnWriteArrayList<>());
    }

    @Test
    void anIdleLaneRunsAPacketAtOnceAndWhatItQueuesAfterIt() throws Exception {
        Lane lane = Lane.of(on(loop));
        List<String> order = new CopyOnWriteArrayList<>();
        loop.submit(() -> {
            lane.executePacket(() -> {
                order.add("packet");
                lane.execute(() -> order.add("queued by the packet"));
                order.add("packet done");
            });
            order.add("after executePacket");
        }).get(10, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("packet", "packet done", "after executePacket", "queued by the packet");
    }

    @Test
    void aBusyLaneQueuesThePacketBehindItsTasks() throws Exception {
        Lane lane = Lane.of(on(loop));
        List<String> order = new CopyOnWriteArrayList<>();
        loop.submit(() -> {
            lane.execute(() -> order.add("task"));
            lane.executePacket(() -> order.add("packet"));
            order.add("after executePacket");
        }).get(10, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("after executePacket", "task", "packet");
    }

    @Test
    void aPacketFromAnotherThreadIsQueued() throws Exception {
        Lane lane = Lane.of(on(loop));
        List<String> order = new CopyOnWriteArrayList<>();
        lane.executePacket(() -> order.add("packet on " + (loop.inEventLoop() ? "loop" : "caller")));
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("packet on loop");
    }

    @Test
    void aPacketWhileTheLaneDrainsWaitsForTheDrain() throws Exception {
        Lane lane = Lane.of(on(loop));
        List<String> order = new CopyOnWriteArrayList<>();
        loop.submit(() -> {
            lane.execute(() -> {
                lane.executePacket(() -> order.add("packet"));
                order.add("task done");
            });
        }).get(10, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("task done", "packet");
    }
}
