package dev.duplex.server;

/** UTF-8 sizes without encoding (no allocation), for the {@link Instrumentation} byte counts. */
final class Utf8 {
    private Utf8() {
    }

    /** The number of bytes of {@code s} in UTF-8 (an unpaired surrogate counts as the 1-byte '?' the encoder writes). */
    static int length(CharSequence s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // 4 bytes for the pair of chars
                i++;
            } else if (Character.isSurrogate(c)) {
                continue;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }
}
