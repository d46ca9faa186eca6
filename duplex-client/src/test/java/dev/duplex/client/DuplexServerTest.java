package dev.duplex.client;

/** The client scenarios against the Duplex server ({@code dev.duplex.server.SocketIoServer}). */
class DuplexServerTest extends ClientScenarios {
    @Override
    ServerUnderTest newServer() {
        return new DuplexServer();
    }
}
