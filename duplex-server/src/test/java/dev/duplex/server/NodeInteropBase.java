package dev.duplex.server;

import org.junit.jupiter.api.AfterEach;

/**
 * Base of the tests that drive official socket.io-client sockets ({@link NodeDriver}) against a Duplex server:
 * both are stopped after each test.
 */
abstract class NodeInteropBase {
    /** The server under test, started by the test. */
    SocketIoServer io;
    /** The Node process with the official client, started by the test. */
    NodeDriver node;

    @AfterEach
    void stopNodeAndServer() {
        if (node != null) {
            node.close();
        }
        if (io != null) {
            io.close();
        }
    }
}
