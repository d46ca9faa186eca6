package dev.duplex.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the still-encoded part of a request path below a mount point into safe path segments, or refuses it.
 * Refused: backslashes and encoded slashes or backslashes ({@code %2f}, {@code %5c}), NUL and control
 * characters, malformed percent escapes or UTF-8, {@code .} and {@code ..} segments (plain or encoded as
 * {@code %2e}), empty segments ({@code //}, an absolute path after the mount), drive letters and other
 * {@code :}, and dot-files ({@code .git}, {@code .env}).
 */
final class SafePath {
    /** The decoded segments; {@code directory} when the path ended with '/' (or was empty). */
    record Segments(List<String> names, boolean directory) {
        String joined() {
            return String.join("/", names);
        }
    }

    private SafePath() {
    }

    /** Null when the path must be refused. */
    static Segments parse(String encodedRelative) {
        String lower = encodedRelative.toLowerCase(Locale.ROOT);
        if (lower.indexOf('\\') >= 0 || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
            return null;
        }
        boolean directory = encodedRelative.isEmpty() || encodedRelative.endsWith("/");
        String body = directory && !encodedRelative.isEmpty()
                ? encodedRelative.substring(0, encodedRelative.length() - 1) : encodedRelative;
        List<String> names = new ArrayList<>();
        if (body.isEmpty()) {
            return encodedRelative.isEmpty() ? new Segments(names, true) : null; // "/" alone after the mount: "//"
        }
        for (String raw : body.split("/", -1)) {
            String name = decode(raw);
            if (name == null || name.isEmpty() || name.startsWith(".") || name.indexOf(':') >= 0) {
                return null;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
                    return null;
                }
            }
            names.add(name);
        }
        return new Segments(List.copyOf(names), directory);
    }

    /** Strict percent-decoding ('+' stays '+'); null on a malformed escape or invalid UTF-8. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                int cp = s.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
                i += Character.charCount(cp) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
