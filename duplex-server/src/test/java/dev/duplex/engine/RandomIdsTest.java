package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Session ids: base64url of fresh random bytes, drawn from the SecureRandom in blocks, not one call per id. */
class RandomIdsTest {

    /** A generator that counts its calls and hands out 0, 1, 2... (so the expected ids are known). */
    private static final class CountingRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        int calls;
        int requested;
        private int counter;

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            calls++;
            requested += bytes.length;
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) counter++;
            }
        }
    }

    @Test
    void idsAreTheBase64urlOfConsecutiveRandomBytesDrawnOneBlockAtATime() {
        for (int idBytes : new int[] {15, 16, 17, 18}) {
            CountingRandom random = new CountingRandom();
            RandomIds ids = new RandomIds(random, idBytes, 32);
            Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
            byte[] expected = new byte[idBytes];
            for (int n = 0; n < 100; n++) {
                for (int i = 0; i < idBytes; i++) {
                    expected[i] = (byte) (n * idBytes + i);
                }
                assertThat(ids.next()).isEqualTo(enc.encodeToString(expected));
            }
            // 100 ids, 32 per block: 4 calls instead of 100
            assertThat(random.calls).isEqualTo(4);
            assertThat(random.requested).isEqualTo(4 * 32 * idBytes);
        }
    }

    @Test
    void eachThreadHasItsOwnBlockAndNoIdRepeats() throws Exception {
        RandomIds ids = new RandomIds(new SecureRandom(), 18, 32);
        Set<String> all = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        String id = ids.next();
                        assertThat(id).hasSize(24).matches("[A-Za-z0-9_-]{24}");
                        all.add(id);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(all).hasSize(20_000);
    }

    @Test
    void theServerHandsOutDistinctSessionIdsOf144Bits() {
        EngineServer server = EngineServer.create(EngineOptions.defaults());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = server.newSessionId();
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(18);
            assertThat(seen.add(id)).isTrue();
        }
    }
}
