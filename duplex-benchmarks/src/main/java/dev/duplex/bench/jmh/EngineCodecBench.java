package dev.duplex.bench.jmh;

import dev.duplex.protocol.engineio.EngineCodec;
import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.engineio.EngineProtocolException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Engine.IO packet encode/decode ({@link EngineCodec}) for the benchmark's echo packet and a polling payload. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms256m", "-Xmx1g"})
public class EngineCodecBench {
    private final EnginePacket message = EnginePacket.message("21[\"echo\",\"" + Payloads.STRING + "\"]");
    private final String encoded = EngineCodec.encode(message);
    private final String payload = EngineCodec.encodePayload(List.of(message, EnginePacket.message("40"),
            EnginePacket.binary(new byte[64])));

    @Benchmark
    public String encodeMessage() {
        return EngineCodec.encode(message);
    }

    @Benchmark
    public EnginePacket decodeMessage() throws EngineProtocolException {
        return EngineCodec.decode(encoded);
    }

    @Benchmark
    public List<EnginePacket> decodePollingPayload() throws EngineProtocolException {
        return EngineCodec.decodePayload(payload);
    }
}
