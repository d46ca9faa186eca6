package dev.duplex.conformance;

import dev.duplex.engine.CorsOptions;
import dev.duplex.server.Namespace;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The server the official socket.io protocol v5 test suite expects: path {@code /socket.io/}, pingInterval 300,
 * pingTimeout 200, maxHttpBufferSize 1e6, connectTimeout 1000, CORS {@code *}; on {@code /} and {@code /custom} it
 * emits {@code auth} with the CONNECT payload; on {@code /} it answers {@code message} with {@code message-back} and
 * {@code message-with-ack} through the ack. Usage: {@code SioConformanceServer [port]} (default 3000).
 */
public final class SioConformanceServer {

    private SioConformanceServer() {
    }

    /** Builds the conformance server (not started). */
    public static SocketIoServer create() {
        SocketIoServer io = SocketIoServer.create(ServerOptions.builder()
                .path("/socket.io/")
                .pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200))
                .maxHttpBufferSize(1_000_000)
                .connectTimeout(Duration.ofMillis(1000))
                .cors(CorsOptions.allowAll())
                .build());
        io.onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> {
                if (ack != null) {
                    ack.send(args.toArray());
                }
            });
        });
        Namespace custom = io.of("/custom");
        custom.onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        return io;
    }

    /** Starts the server on the port given as first argument (default 3000) and runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        SocketIoServer io = create().start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(io::close, "sio-conformance-shutdown"));
        System.out.println("SioConformanceServer listening on " + io.port());
        new CountDownLatch(1).await();
    }
}
