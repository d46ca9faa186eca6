package dev.duplex.server;

import java.security.SecureRandom;
import java.util.Base64;

/** Socket ids: 15 random bytes, base64url (20 characters), like socket.io's base64id. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Ids() {
    }

    static String next() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
