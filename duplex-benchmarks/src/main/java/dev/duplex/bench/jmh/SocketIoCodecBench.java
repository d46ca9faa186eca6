package dev.duplex.bench.jmh;

import dev.duplex.protocol.socketio.EncodedPacket;
import dev.duplex.protocol.socketio.SocketIoDecoder;
import dev.duplex.protocol.socketio.SocketIoEncoder;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketProtocolException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Socket.IO packet encode/decode ({@link SocketIoEncoder}, {@link SocketIoDecoder}): the echo EVENT with its ack id,
 * its ACK, and a BINARY_EVENT with one 1 KiB attachment (encode; decode = text plus attachment). Decoding is also
 * measured for the echo's ACK, an EVENT with numbers, literals and escapes, and an EVENT with an object argument.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms256m", "-Xmx1g"})
public class SocketIoCodecBench {
    private final SocketIoEncoder encoder = new SocketIoEncoder();
    private final SocketIoDecoder decoder = new SocketIoDecoder();
    private final SocketPacket event = SocketPacket.event("/", List.of("echo", Payloads.STRING), 1);
    private final SocketPacket ack = SocketPacket.ack("/", 1, List.of(Payloads.STRING));
    private final SocketPacket binary = SocketPacket.event("/", List.of("upload", new byte[1024]), 2);
    private final String eventText = encoder.encode(event).text();
    private final String ackText = encoder.encode(ack).text();
    private final String mixedText = "2/chat,7[\"move\",12,-3.5,1700000000000,true,null,\"caf\u00e9 \\\"quoted\\\"\\n\"]";
    private final String objectText = "21[\"form\",{\"name\":\"" + Payloads.STRING + "\",\"age\":42}]";
    private final EncodedPacket binaryEncoded = encoder.encode(binary);

    @Benchmark
    public EncodedPacket encodeEvent() {
        return encoder.encode(event);
    }

    @Benchmark
    public EncodedPacket encodeAck() {
        return encoder.encode(ack);
    }

    @Benchmark
    public SocketPacket decodeEvent() throws SocketProtocolException {
        return decoder.decode(eventText);
    }

    @Benchmark
    public SocketPacket decodeAck() throws SocketProtocolException {
        return decoder.decode(ackText);
    }

    @Benchmark
    public SocketPacket decodeMixedEvent() throws SocketProtocolException {
        return decoder.decode(mixedText);
    }

    @Benchmark
    public SocketPacket decodeObjectEvent() throws SocketProtocolException {
        return decoder.decode(objectText);
    }

    @Benchmark
    public EncodedPacket encodeBinaryEvent() {
        return encoder.encode(binary);
    }

    @Benchmark
    public SocketPacket decodeBinaryEvent() throws SocketProtocolException {
        SocketPacket p = decoder.decode(binaryEncoded.text());
        for (byte[] a : binaryEncoded.attachments()) {
            p = decoder.addAttachment(a);
        }
        return p;
    }
}
