package dev.duplex.client;

/** The migration guide's examples against the official Node socket.io 4.8.4 server. */
class NodeMigrationGuideTest extends MigrationGuideExamples {
    @Override
    ServerUnderTest newServer() {
        dev.duplex.testkit.Node.require();
        return new NodeServer();
    }
}
