package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Socket ids: 20 characters of base64url over 15 fresh random bytes, drawn from the SecureRandom in blocks. */
class IdsTest {

    private static final class CountingRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        int calls;
        private int counter;

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            calls++;
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (counter++ * 7);
            }
        }
    }

    @Test
    void base64urlOfConsecutiveRandomBytesOneGeneratorCallPerBlock() {
        CountingRandom random = new CountingRandom();
        Ids ids = new Ids(random);
        byte[] expected = new byte[Ids.BYTES];
        int n = Ids.PER_BLOCK * 3;
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < Ids.BYTES; i++) {
                expected[i] = (byte) ((k * Ids.BYTES + i) * 7);
            }
            assertThat(ids.nextId()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(expected));
        }
        assertThat(random.calls).isEqualTo(3);
    }

    @Test
    void defaultIdsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String id = Ids.next();
            assertThat(id).matches("[A-Za-z0-9_-]{20}");
            assertThat(seen.add(id)).isTrue();
        }
    }
}
