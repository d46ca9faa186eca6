package dev.duplex.server;

import dev.duplex.testkit.FreePort;

/** Starts servers on a free port, retrying when the port was taken between the probe and the bind. */
final class TestServers {
    private TestServers() {
    }

    /**
     * A port found free can be refused when a closed connection on it lingers in TIME_WAIT (the probe sets
     * SO_REUSEADDR, the engine's listening socket may not); a few retries with other ports make that harmless.
     */
    static SocketIoServer start(ServerOptions options) {
        Exception last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            SocketIoServer io = SocketIoServer.create(options);
            try {
                return io.start(FreePort.find());
            } catch (Exception e) { // also the NativeIoException (checked) that Netty rethrows for "address in use"
                last = e;
                io.close();
            }
        }
        throw new IllegalStateException("could not bind a free port", last);
    }
}
