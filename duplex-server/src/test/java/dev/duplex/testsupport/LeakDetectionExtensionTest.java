package dev.duplex.testsupport;

import dev.duplex.testkit.LeakDetectionExtension;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extension really sees Netty's leak reports (and forgets the one this test makes on purpose). */
class LeakDetectionExtensionTest {

    @Test
    void leakDetectionIsParanoid() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void aDroppedBufferIsReported() throws InterruptedException {
        int before = LeakDetectionExtension.count();
        leak();
        List<String> found = List.of();
        for (int i = 0; i < 20 && found.isEmpty(); i++) {
            LeakDetectionExtension.surfaceLeaks();
            if (LeakDetectionExtension.count() > before) {
                found = LeakDetectionExtension.drainSince(before);
            }
        }
        assertThat(found).isNotEmpty();
        assertThat(found.get(0)).startsWith("LEAK: ByteBuf.release() was not called");
        assertThat(found.get(0)).contains("leak");
    }

    @Test
    void onlyNettysOwnAllocationInADestroyedIoUringLoopIsExcused() {
        String destroyed = "\nCreated at:\n"
                + "\tio.netty.channel.DefaultMaxMessagesRecvByteBufAllocator$MaxMessageHandle.allocate(X.java:120)\n"
                + "\tio.netty.channel.uring.AbstractIoUringStreamChannel$IoUringStreamUnsafe.scheduleRead0(X.java:444)\n"
                + "\tio.netty.channel.uring.CompletionQueue.process(CompletionQueue.java:151)\n"
                + "\tio.netty.channel.uring.IoUringIoHandler.destroy(IoUringIoHandler.java:468)\n"
                + "\tio.netty.channel.SingleThreadIoEventLoop.cleanup(SingleThreadIoEventLoop.java:271)\n";
        assertThat(LeakDetectionExtension.allocatedByADestroyedIoUringLoop(destroyed)).isTrue();
        // the same read buffer allocated while the loop runs is a leak like any other
        assertThat(LeakDetectionExtension.allocatedByADestroyedIoUringLoop(destroyed.replace(
                "IoUringIoHandler.destroy(IoUringIoHandler.java:468)", "IoUringIoHandler.run(IoUringIoHandler.java:1)")))
                .isFalse();
        assertThat(LeakDetectionExtension.allocatedByADestroyedIoUringLoop(destroyed
                + "\tdev.duplex.engine.WsHandler.frame(WsHandler.java:1)\n")).isFalse();
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(32);
        b.writeInt(42);
        // dropped without release()
    }
}
