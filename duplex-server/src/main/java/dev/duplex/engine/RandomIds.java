package dev.duplex.engine;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Unguessable ids: random bytes from a {@link SecureRandom}, base64url without padding. The bytes are drawn from
 * the generator in blocks (one call per {@code idsPerBlock} ids, per thread) instead of one call per id: the default
 * {@code SecureRandom} on Linux reads {@code /dev/urandom} under a lock at every call, which cost about as much as
 * the rest of an id. Thread-safe; each thread draws from its own block, and used bytes are cleared.
 */
final class RandomIds {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;
    private final int idBytes;
    private final int block;
    private final ThreadLocal<Pool> pools = ThreadLocal.withInitial(Pool::new);

    /** The random bytes of one thread; the unused ones start at {@code next}. */
    private final class Pool {
        final byte[] bytes = new byte[block];
        int next = block;
    }

    /**
     * Ids of {@code idBytes} random bytes drawn from {@code random}, {@code idsPerBlock} ids' worth of bytes at a
     * time.
     */
    RandomIds(SecureRandom random, int idBytes, int idsPerBlock) {
        if (idBytes <= 0 || idsPerBlock <= 0) {
            throw new IllegalArgumentException("idBytes and idsPerBlock must be positive");
        }
        this.random = Objects.requireNonNull(random, "random");
        this.idBytes = idBytes;
        this.block = idBytes * idsPerBlock;
    }

    /** A new id: {@code ceil(idBytes * 4 / 3)} characters of base64url. */
    String next() {
        Pool pool = pools.get();
        byte[] in = pool.bytes;
        if (pool.next + idBytes > block) {
            random.nextBytes(in);
            pool.next = 0;
        }
        int off = pool.next;
        pool.next = off + idBytes;
        byte[] id = Arrays.copyOfRange(in, off, off + idBytes);
        Arrays.fill(in, off, off + idBytes, (byte) 0);
        String s = URL.encodeToString(id);
        Arrays.fill(id, (byte) 0);
        return s;
    }
}
