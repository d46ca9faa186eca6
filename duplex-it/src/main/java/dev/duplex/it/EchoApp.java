package dev.duplex.it;

import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;

/**
 * The smallest Duplex application: a Socket.IO server that answers the event {@code "echo"} with its arguments
 * (as the ack) and does not serve the client script ({@code serveClient(false)}: its clients bring their own).
 */
public final class EchoApp implements AutoCloseable {
    private final SocketIoServer io;

    private EchoApp(SocketIoServer io) {
        this.io = io;
    }

    /** Starts the application on {@code port} (0: a free one). */
    public static EchoApp start(int port) {
        SocketIoServer io = SocketIoServer.create(ServerOptions.builder().serveClient(false).build());
        io.onConnection(socket -> socket.on("echo", args -> args));
        return new EchoApp(io.start(port));
    }

    /** The port the server listens on. */
    public int port() {
        return io.port();
    }

    @Override
    public void close() {
        io.close();
    }

    /**
     * Runs the application until the process is stopped.
     *
     * @param args the port, 3000 when absent
     */
    public static void main(String[] args) {
        EchoApp app = start(args.length > 0 ? Integer.parseInt(args[0]) : 3000);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
    }
}
