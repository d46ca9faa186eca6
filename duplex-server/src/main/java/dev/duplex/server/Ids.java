package dev.duplex.server;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Socket ids: 15 random bytes, base64url (20 characters), like socket.io's base64id. The bytes come from one
 * {@link SecureRandom}, drawn 32 ids' worth at a time per thread (the default generator on Linux reads
 * {@code /dev/urandom} under a lock at every call); used bytes are cleared.
 */
final class Ids {
    static final int BYTES = 15;
    static final int PER_BLOCK = 32;
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Ids DEFAULT = new Ids(new SecureRandom());

    private final SecureRandom random;
    private final ThreadLocal<Block> blocks = ThreadLocal.withInitial(Block::new);

    /** The random bytes of one thread; the unused ones start at {@code next}. */
    private static final class Block {
        final byte[] bytes = new byte[BYTES * PER_BLOCK];
        int next = bytes.length;
    }

    Ids(SecureRandom random) {
        this.random = random;
    }

    static String next() {
        return DEFAULT.nextId();
    }

    String nextId() {
        Block block = blocks.get();
        if (block.next == block.bytes.length) {
            random.nextBytes(block.bytes);
            block.next = 0;
        }
        int off = block.next;
        block.next = off + BYTES;
        byte[] id = Arrays.copyOfRange(block.bytes, off, off + BYTES);
        Arrays.fill(block.bytes, off, off + BYTES, (byte) 0);
        return URL.encodeToString(id);
    }
}
