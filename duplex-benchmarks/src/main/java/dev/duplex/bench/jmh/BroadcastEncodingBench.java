package dev.duplex.bench.jmh;

import dev.duplex.protocol.socketio.SocketIoEncoder;
import dev.duplex.protocol.socketio.SocketPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Preparing one broadcast for a room of {@code members}: the Socket.IO packet and its WebSocket frame encoded
 * once and handed out as retained duplicates of one buffer, against encoding the packet and building a frame per
 * member. (Writing to sockets is left out: the side-by-side comparison measures that.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms256m", "-Xmx1g"})
public class BroadcastEncodingBench {
    @Param({"1000"})
    public int members;

    private final SocketIoEncoder encoder = new SocketIoEncoder();
    private final SocketPacket packet = SocketPacket.event("/", List.of("bcast", Payloads.STRING), null);
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    @Benchmark
    public void encodeOnceShareFrame(Blackhole bh) {
        String text = "4" + encoder.encode(packet).text();
        ByteBuf frame = wsFrame(text);
        try {
            for (int i = 0; i < members; i++) {
                ByteBuf dup = frame.retainedDuplicate();
                bh.consume(dup);
                dup.release();
            }
        } finally {
            frame.release();
        }
    }

    @Benchmark
    public void encodePerMember(Blackhole bh) {
        for (int i = 0; i < members; i++) {
            String text = "4" + encoder.encode(packet).text();
            TextWebSocketFrame f = new TextWebSocketFrame(ByteBufUtil.writeUtf8(alloc, text));
            bh.consume(f);
            f.release();
        }
    }

    /** An unmasked server text frame (header and payload in one buffer). */
    private ByteBuf wsFrame(String text) {
        int len = ByteBufUtil.utf8Bytes(text);
        ByteBuf b = alloc.directBuffer(len + 4);
        b.writeByte(0x81);
        if (len < 126) {
            b.writeByte(len);
        } else {
            b.writeByte(126).writeShort(len);
        }
        ByteBufUtil.writeUtf8(b, text);
        return b;
    }
}
