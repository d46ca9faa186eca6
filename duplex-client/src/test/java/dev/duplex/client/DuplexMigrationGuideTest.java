package dev.duplex.client;

/** The migration guide's examples against the Duplex server. */
class DuplexMigrationGuideTest extends MigrationGuideExamples {
    @Override
    ServerUnderTest newServer() {
        return new DuplexServer();
    }
}
