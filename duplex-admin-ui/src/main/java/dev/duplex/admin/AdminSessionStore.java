package dev.duplex.admin;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where the Admin UI's login sessions are kept: after a successful basic-auth login the server sends the UI a
 * session id, which the UI gives back instead of the password when it reconnects (the {@code store} option of
 * {@code @socket.io/admin-ui}). Share one store between the servers of a cluster (e.g. one backed by Redis) so that
 * a UI reconnecting to another server stays logged in; {@link #inMemory()} suits a single server.
 */
public interface AdminSessionStore {
    /** Whether {@code sessionId} was saved and is still valid. */
    CompletableFuture<Boolean> exists(String sessionId);

    /** Saves a new session id. */
    void save(String sessionId);

    /** An in-memory store: at most 10,000 sessions, each valid for 24 hours (the oldest go first). */
    static AdminSessionStore inMemory() {
        return new InMemorySessionStore(10_000, Duration.ofHours(24));
    }

    /** An in-memory store of at most {@code maxSessions} sessions, each valid for {@code ttl}. */
    static AdminSessionStore inMemory(int maxSessions, Duration ttl) {
        return new InMemorySessionStore(maxSessions, ttl);
    }
}
