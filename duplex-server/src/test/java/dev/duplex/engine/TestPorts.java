package dev.duplex.engine;

import dev.duplex.testkit.FreePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Starts a server on loopback at a port from {@link FreePort}, retrying with another port when the bind fails (a
 * port handed out by the kernel may be taken, or still be in use by a closing connection, by the time we bind it).
 */
final class TestPorts {
    private TestPorts() {
    }

    static int start(EngineServer server) {
        EngineServer.EngineBindException last = null;
        for (int i = 0; i < 10; i++) {
            int port = FreePort.find();
            try {
                server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (EngineServer.EngineBindException e) {
                last = e;
            }
        }
        throw last;
    }
}
