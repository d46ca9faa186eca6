package dev.duplex.bench.jmh;

import dev.duplex.micrometer.DuplexMetrics;
import dev.duplex.server.Instrumentation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost the Micrometer binder adds to one echo with an ack: the hooks the server calls for it (the EVENT in,
 * its wait for the handler lane, the ACK sent and written), with the binder bound to a registry ({@code micrometer})
 * or no instrumentation at all ({@code none}, what the server does when none is set: a null check). Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per echo (0 B/op expected).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms256m", "-Xmx1g"})
public class MetricsBench {
    @Param({"none", "micrometer"})
    public String instrumentation;

    private Instrumentation hooks;
    private long queued = System.nanoTime();

    @Setup
    public void setUp() {
        if (instrumentation.equals("micrometer")) {
            DuplexMetrics metrics = new DuplexMetrics();
            metrics.bindTo(new SimpleMeterRegistry());
            hooks = metrics;
        }
    }

    @Benchmark
    public long echoHooks() {
        Instrumentation h = hooks;
        if (h == null) {
            return queued;
        }
        h.packetIn("websocket", 24);
        h.handlerQueueDelay(System.nanoTime() - queued);
        h.ackSent();
        h.packetOut("websocket", 21);
        return queued;
    }

    /** The per-packet counters alone (packet and bytes in, ack sent, packet and bytes out). */
    @Benchmark
    public long countersOnly() {
        Instrumentation h = hooks;
        if (h == null) {
            return queued;
        }
        h.packetIn("websocket", 24);
        h.ackSent();
        h.packetOut("websocket", 21);
        return queued;
    }

    /** The handler-queue-delay timer alone (with its System.nanoTime()). */
    @Benchmark
    public long timerOnly() {
        Instrumentation h = hooks;
        if (h == null) {
            return queued;
        }
        h.handlerQueueDelay(System.nanoTime() - queued);
        return queued;
    }
}
