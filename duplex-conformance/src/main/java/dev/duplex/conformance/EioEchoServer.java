package dev.duplex.conformance;

import dev.duplex.engine.CorsOptions;
import dev.duplex.engine.EngineOptions;
import dev.duplex.engine.EngineServer;
import dev.duplex.engine.EngineSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The server the official engine.io protocol v4 test suite expects: a bare Engine.IO server at
 * {@code /engine.io/} with pingInterval 300, pingTimeout 200, maxHttpBufferSize 1000000 and CORS {@code *},
 * echoing every text and binary message back. Usage: {@code EioEchoServer [port]} (default 3000).
 * <p>It runs one I/O thread, like the Node reference: several suite tests race requests on separate connections
 * (a poll 5 ms after another, a poll right after the {@code 5} upgrade frame) and expect them handled in arrival
 * order, which one event loop gives and several loops on a loaded machine do not always.
 */
public final class EioEchoServer {

    private EioEchoServer() {
    }

    /** The options the suite expects. */
    public static EngineOptions options() {
        return EngineOptions.builder()
                .path("/engine.io/")
                .pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200))
                .maxHttpBufferSize(1_000_000)
                .cors(CorsOptions.allowAll())
                .ioThreads(1)
                .build();
    }

    /** Builds the echo server (not started). */
    public static EngineServer create() {
        return EngineServer.create(options()).onConnection(socket -> socket.setListener(new EngineSocket.Listener() {
            @Override
            public void onMessage(String text) {
                socket.send(text);
            }

            @Override
            public void onBinary(byte[] data) {
                socket.send(data);
            }
        }));
    }

    /** Starts the server on the port given as first argument (default 3000) and runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        EngineServer server = create().start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "eio-echo-shutdown"));
        System.out.println("EioEchoServer listening on " + server.port());
        new CountDownLatch(1).await();
    }
}
