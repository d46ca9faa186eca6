package dev.duplex.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.bench.servers.BareNettyServer;
import dev.duplex.micrometer.DuplexMetrics;
import dev.duplex.server.Ack;
import dev.duplex.server.HandlerMode;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-message path from WebSocket frame to handler and back: one {@code echo} EVENT with an ack id written as a
 * masked frame over a loopback connection to an in-process server, timed until its ACK frame is read. The same
 * kernel and client costs are in every variant, so the differences are the servers' paths: Duplex (default
 * handler lanes, the same with the Micrometer binder {@code duplex-metrics}, or handlers on the event loop) against
 * the bare-Netty ceiling.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms256m", "-Xmx1g", "-Dio.netty.eventLoopThreads=1"})
public class FramePathBench {
    @Param({"duplex", "duplex-metrics", "duplex-el", "bare"})
    public String server;

    private AutoCloseable running;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long nextId;
    private int mask = 0x1234abcd;
    private final byte[] tail = ("[\"echo\",\"" + Payloads.STRING + "\"]").getBytes(StandardCharsets.US_ASCII);

    @Setup(Level.Trial)
    public void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        if (server.equals("bare")) {
            running = BareNettyServer.start(port);
        } else {
            ServerOptions.Builder options = ServerOptions.builder().ioThreads(1)
                    .handlerMode(server.equals("duplex-el") ? HandlerMode.EVENT_LOOP : HandlerMode.AUTO);
            if (server.equals("duplex-metrics")) {
                // the Micrometer binder on the server, bound as Spring Boot's actuator would
                DuplexMetrics metrics = new DuplexMetrics();
                metrics.bindTo(new SimpleMeterRegistry());
                options.instrumentation(metrics);
            }
            SocketIoServer io = SocketIoServer.create(options.build());
            io.onConnection(socket -> socket.on("echo", (List<JsonNode> args, Ack ack) -> {
                if (ack != null) {
                    ack.send(args.get(0));
                }
            }));
            io.start(new InetSocketAddress("127.0.0.1", port));
            running = io;
        }
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ZHVwbGV4LWJlbmNobWFyaw==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("no upgrade response");
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String open = readText();
        if (!open.startsWith("0")) {
            throw new IOException("expected the open packet, got " + open);
        }
        send("40".getBytes(StandardCharsets.US_ASCII));
        String connect = readText();
        if (!connect.startsWith("40")) {
            throw new IOException("expected the CONNECT answer, got " + connect);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        socket.setSoLinger(true, 0);
        socket.close();
        running.close();
    }

    @Benchmark
    public long echoRoundTrip() throws IOException {
        long id = nextId++;
        byte[] digits = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
        byte[] text = new byte[2 + digits.length + tail.length];
        text[0] = '4';
        text[1] = '2';
        System.arraycopy(digits, 0, text, 2, digits.length);
        System.arraycopy(tail, 0, text, 2 + digits.length, tail.length);
        send(text);
        while (true) {
            String s = readText();
            if (s.startsWith("43")) {
                if (!s.startsWith("43" + id + "[\"" + Payloads.STRING + "\"]")) {
                    throw new IOException("unexpected ack " + s);
                }
                return id;
            }
            if (s.equals("2")) {
                send(new byte[] {'3'});
            }
        }
    }

    private void send(byte[] text) throws IOException {
        mask = mask * 1_103_515_245 + 12_345;
        byte[] f = new byte[text.length + 8];
        int n = 0;
        f[n++] = (byte) 0x81;
        if (text.length < 126) {
            f[n++] = (byte) (0x80 | text.length);
        } else {
            f[n++] = (byte) (0x80 | 126);
            f[n++] = (byte) (text.length >>> 8);
            f[n++] = (byte) text.length;
        }
        for (int i = 0; i < 4; i++) {
            f[n++] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < text.length; i++) {
            f[n++] = (byte) (text[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        out.write(f, 0, n);
        out.flush();
    }

    private String readText() throws IOException {
        while (true) {
            int b0 = read();
            int b1 = read();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (read() << 8) | read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | read();
                }
            }
            byte[] p = in.readNBytes((int) len);
            if (p.length != len) {
                throw new EOFException();
            }
            int opcode = b0 & 0x0f;
            if (opcode == 1) {
                return new String(p, StandardCharsets.UTF_8);
            }
            if (opcode == 8) {
                throw new EOFException("closed by the server");
            }
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }
}
