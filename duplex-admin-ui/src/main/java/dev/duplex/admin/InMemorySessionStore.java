package dev.duplex.admin;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** {@link AdminSessionStore#inMemory()}: bounded in count, sessions expire. */
final class InMemorySessionStore implements AdminSessionStore {
    private final int maxSessions;
    private final long ttlNanos;
    /** Session id to its expiry (System.nanoTime), oldest first; guarded by this. */
    private final LinkedHashMap<String, Long> sessions = new LinkedHashMap<>();

    InMemorySessionStore(int maxSessions, Duration ttl) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions < 1");
        }
        if (Objects.requireNonNull(ttl, "ttl").isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        this.maxSessions = maxSessions;
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public synchronized CompletableFuture<Boolean> exists(String sessionId) {
        if (sessionId == null) {
            return CompletableFuture.completedFuture(false);
        }
        expire(System.nanoTime());
        return CompletableFuture.completedFuture(sessions.containsKey(sessionId));
    }

    @Override
    public synchronized void save(String sessionId) {
        long now = System.nanoTime();
        expire(now);
        sessions.remove(sessionId);
        sessions.put(Objects.requireNonNull(sessionId, "sessionId"), now + ttlNanos);
        while (sessions.size() > maxSessions) {
            Iterator<String> it = sessions.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    private void expire(long now) {
        for (Iterator<Map.Entry<String, Long>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() - now > 0) {
                break;
            }
            it.remove();
        }
    }
}
