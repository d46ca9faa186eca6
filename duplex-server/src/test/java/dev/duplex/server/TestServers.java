package dev.duplex.server;

/** Starts servers on a port the kernel picks. */
final class TestServers {
    private TestServers() {
    }

    /**
     * Binds port 0, so that the kernel picks a port the listening socket can have: a port probed free (with
     * SO_REUSEADDR) can be refused when a closed connection on it lingers in TIME_WAIT or when it is the local port of
     * an outgoing connection (a load test on the same machine holds thousands); a few retries stay for safety.
     */
    static SocketIoServer start(ServerOptions options) {
        Exception last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            SocketIoServer io = SocketIoServer.create(options);
            try {
                return io.start(0);
            } catch (Exception e) { // also the NativeIoException (checked) that Netty rethrows for "address in use"
                last = e;
                io.close();
            }
        }
        throw new IllegalStateException("could not bind a free port", last);
    }
}
