package dev.duplex.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The path and query parameters of a request URI, decoded as Netty's {@code QueryStringDecoder(uri)} decodes them
 * (UTF-8, a path, {@code ;} and {@code &} both separators, {@code +} a space in the query but not in the path, at
 * most 1,024 parameters, a fragment ends the query, a malformed {@code %} escape an {@link IllegalArgumentException})
 * but parsed eagerly into a flat array in one straight scan: the engine reads three or four parameters per
 * request, and the decoder's map of lists, built per request, was a good part of a handshake's compiled code.
 */
final class UriQuery {
    /** QueryStringDecoder's default limit on the number of parameters. */
    static final int MAX_PARAMS = 1024;
    private static final String[] NONE = new String[0];

    private final String path;
    /** name, value, name, value... in the order received, repeated names kept. */
    private final String[] params;

    private UriQuery(String path, String[] params) {
        this.path = path;
        this.params = params;
    }

    /**
     * Parses {@code uri}.
     *
     * @throws IllegalArgumentException on a malformed {@code %} escape, as QueryStringDecoder does
     */
    static UriQuery parse(String uri) {
        int len = uri.length();
        int pathEnd = 0;
        while (pathEnd < len) {
            char c = uri.charAt(pathEnd);
            if (c == '?' || c == '#') {
                break;
            }
            pathEnd++;
        }
        String path = component(uri, 0, pathEnd, true);
        return new UriQuery(path, pathEnd >= len ? NONE : params(uri, pathEnd));
    }

    private static String[] params(String s, int from) {
        int len = s.length();
        if (s.charAt(from) == '?') {
            from++;
        }
        // sized by a first scan: one parameter per separator and one more (fewer when some are empty)
        int slots = 1;
        for (int i = from; i < len && slots < MAX_PARAMS; i++) {
            char c = s.charAt(i);
            if (c == '&' || c == ';') {
                slots++;
            } else if (c == '#') {
                break;
            }
        }
        String[] out = new String[2 * slots];
        int n = 0;
        int limit = MAX_PARAMS;
        int nameStart = from;
        int valueStart = -1;
        int i;
        for (i = from; i < len; i++) {
            char c = s.charAt(i);
            if (c == '=') {
                if (nameStart == i) {
                    nameStart = i + 1;
                } else if (valueStart < nameStart) {
                    valueStart = i + 1;
                }
            } else if (c == '&' || c == ';') {
                if (nameStart < i) {
                    n = add(s, nameStart, valueStart, i, out, n);
                    if (--limit == 0) {
                        return Arrays.copyOf(out, n);
                    }
                }
                nameStart = i + 1;
            } else if (c == '#') {
                break;
            }
        }
        if (nameStart < i && n < out.length) {
            n = add(s, nameStart, valueStart, i, out, n);
        }
        return n == 0 ? NONE : n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static int add(String s, int nameStart, int valueStart, int end, String[] out, int n) {
        if (valueStart <= nameStart) {
            valueStart = end + 1;
        }
        out[n] = component(s, nameStart, valueStart - 1, false);
        out[n + 1] = component(s, valueStart, end, false);
        return n + 2;
    }

    /** {@code s[from, to)} decoded: a substring when it has nothing to decode (the common case). */
    private static String component(String s, int from, int to, boolean isPath) {
        if (to <= from) {
            return "";
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '+' && !isPath) {
                return decode(s, from, to, i, isPath);
            }
        }
        return s.substring(from, to);
    }

    /** The rare case: {@code s[from, to)} with an escape or a {@code +} at {@code first}. */
    private static String decode(String s, int from, int to, int first, boolean isPath) {
        StringBuilder sb = new StringBuilder(to - from);
        sb.append(s, from, first);
        byte[] buf = new byte[(to - first) / 3];
        for (int i = first; i < to; i++) {
            char c = s.charAt(i);
            if (c != '%') {
                sb.append(c == '+' && !isPath ? ' ' : c);
                continue;
            }
            int n = 0;
            do {
                if (i + 3 > to) {
                    throw new IllegalArgumentException("unterminated escape sequence at index " + i + " of: " + s);
                }
                int hi = hex(s.charAt(i + 1));
                int lo = hex(s.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid hex byte at index " + (i + 1) + " of: " + s);
                }
                buf[n++] = (byte) (hi * 16 + lo);
                i += 3;
            } while (i < to && s.charAt(i) == '%');
            i--;
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** An ASCII hex digit's value, else -1 (not Character.digit's other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The decoded path. */
    String path() {
        return path;
    }

    /** The parameters: name, value, name, value... in the order received (not to be modified). */
    String[] flat() {
        return params;
    }

    /**
     * A parameter as engine.io reads it ({@code Object.fromEntries(url.searchParams)}): the last of repeated
     * values, so that {@code EIO=4&EIO=3} is version 3; null when absent.
     */
    String last(String name) {
        String[] p = params;
        for (int i = p.length - 2; i >= 0; i -= 2) {
            if (p[i].equals(name)) {
                return p[i + 1];
            }
        }
        return null;
    }

    /** The parameters grouped by name in the order names first appear, as QueryStringDecoder's map. */
    Map<String, List<String>> toMap() {
        if (params.length == 0) {
            return Collections.emptyMap();
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            m.computeIfAbsent(params[i], k -> new ArrayList<>(1)).add(params[i + 1]);
        }
        return m;
    }
}
