package dev.duplex.engine;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An immutable snapshot of the HTTP request that opened a session (the handshake). */
public final class EngineRequest {
    private final String method;
    private final String uri;
    private final String path;
    /**
     * The query parameters: null until {@link #queryParameters()} builds them from {@link #rawQuery} (name, value,
     * name, value... in the order received) in a snapshot built by {@link #of}.
     */
    private volatile Map<String, List<String>> query;
    private final String[] rawQuery;
    /**
     * The headers: null until {@link #headers()} builds them from {@link #rawHeaders} (name, value, name,
     * value... as received) in a snapshot built by {@link #of}.
     */
    private volatile Map<String, List<String>> headers;
    private final String[] rawHeaders;
    private final InetSocketAddress remoteAddress;
    private final boolean secure;
    private final long time;

    /**
     * Creates a snapshot. Header names are lower-cased; the maps are copied.
     *
     * @param time epoch millis of the handshake
     */
    public EngineRequest(String method, String uri, String path, Map<String, List<String>> queryParameters,
                         Map<String, List<String>> headers, InetSocketAddress remoteAddress, boolean secure,
                         long time) {
        this.method = method;
        this.uri = uri;
        this.path = path;
        this.query = copy(queryParameters, false);
        this.rawQuery = null;
        this.headers = copy(headers, true);
        this.rawHeaders = null;
        this.remoteAddress = remoteAddress;
        this.secure = secure;
        this.time = time;
    }

    /**
     * A snapshot that keeps the request's headers and query as flat arrays, and builds the
     * maps only when asked: most connections never read them, and copying them cost a good part of a handshake.
     */
    private EngineRequest(String method, String uri, String path, String[] rawQuery,
                          String[] rawHeaders, InetSocketAddress remoteAddress, boolean secure, long time) {
        this.method = method;
        this.uri = uri;
        this.path = path;
        this.rawQuery = rawQuery;
        this.rawHeaders = rawHeaders;
        this.remoteAddress = remoteAddress;
        this.secure = secure;
        this.time = time;
    }

    /**
     * A snapshot of a Netty request received on {@code ctx}'s channel (secure when the pipeline has an
     * {@code SslHandler}), timed now.
     */
    public static EngineRequest of(ChannelHandlerContext ctx, HttpRequest request) {
        return of(ctx, request, UriQuery.parse(request.uri()));
    }

    /** {@code qs} is the parse of {@code request.uri()}; its parameter array is kept, not copied. */
    static EngineRequest of(ChannelHandlerContext ctx, HttpRequest request, UriQuery qs) {
        // like requests (clients of one application send the same headers but the WebSocket key, and the same
        // query) share the last snapshot's arrays: found in one pass without look-ups when they are like it; the
        // rest (building new arrays, the URI, TLS) out of line, so that this stays small to compile and inline
        HttpHeaders h = request.headers();
        String[] headers = sameHeaders(h, lastHeaders);
        if (headers == null) {
            headers = headerArray(h);
        }
        String[] params = qs.flat();
        String[] query = lastQuery;
        if (!Arrays.equals(params, query)) {
            query = queryArray(params);
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        return new EngineRequest(request.method().name(), sharedUri(request.uri()), sharedPath(qs.path()),
                query, headers, remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null,
                secure(ctx), System.currentTimeMillis());
    }

    /** {@code uri}, or the last one seen when equal to it (which it becomes otherwise). */
    private static String sharedUri(String uri) {
        String last = lastUri;
        if (uri.equals(last)) {
            return last;
        }
        lastUri = uri;
        return uri;
    }

    /** The canonical instance of {@code path}: the last one's when equal to it, without a look-up. */
    private static String sharedPath(String path) {
        String last = lastPath;
        if (path.equals(last)) {
            return last;
        }
        String c = COMMON.canonical(path);
        lastPath = c;
        return c;
    }

    /** Whether {@code ctx}'s pipeline has TLS. */
    private static boolean secure(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(SslHandler.class) != null;
    }

    /** The snapshot's header array of {@code h} (the last one when equal to it, which becomes the last one). */
    private static String[] headerArray(HttpHeaders h) {
        String[] raw = new String[h.size() * 2];
        int n = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (n == raw.length) {
                raw = Arrays.copyOf(raw, n * 2 + 2);
            }
            HeaderName name = HeaderName.of(e.getKey().toString());
            if (name.kind == HeaderName.NOT_KEPT) {
                continue;
            }
            raw[n++] = name.name;
            String value = e.getValue().toString();
            raw[n++] = name.kind == HeaderName.COMMON_VALUE ? COMMON.canonical(value) : value;
        }
        String[] headers = n == raw.length ? raw : Arrays.copyOf(raw, n);
        String[] lastH = lastHeaders;
        if (Arrays.equals(headers, lastH)) {
            return lastH;
        }
        lastHeaders = headers;
        return headers;
    }

    /**
     * {@code last} when {@code h}, less the headers not kept, has the same names and values in the same order (what
     * {@link #headerArray} would find equal to it), else null.
     */
    private static String[] sameHeaders(HttpHeaders h, String[] last) {
        if (last == null) {
            return null;
        }
        int i = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (i < last.length && last[i].contentEquals(name)) {
                // the last array has no WebSocket key: a name equal to its next one is kept
                if (!last[i + 1].contentEquals(e.getValue())) {
                    return null;
                }
                i += 2;
            } else if (!AsciiString.contentEqualsIgnoreCase(name, NOT_KEPT_NAME)) {
                return null;
            }
        }
        return i == last.length ? last : null;
    }

    /**
     * The snapshot's query array of {@code params} (name, value... as received; not the last one's, checked by the
     * caller): canonical names and common values, which becomes the last one.
     */
    private static String[] queryArray(String[] params) {
        String[] query = new String[params.length];
        for (int q = 0; q < params.length; q += 2) {
            String name = COMMON.canonical(params[q]);
            query[q] = name;
            query[q + 1] = COMMON_QUERY_VALUES.contains(name) ? COMMON.canonical(params[q + 1]) : params[q + 1];
        }
        lastQuery = query;
        return query;
    }

    /**
     * Strings that most handshakes repeat (header names, the values of the headers in {@link #COMMON_VALUES}, query
     * names, the path, the values of {@link #COMMON_QUERY_VALUES}): every snapshot keeps the same instances rather
     * than its own copies, a good part of an idle connection's memory otherwise. Bounded: once full, strings not
     * in it yet are kept as they come.
     */
    private static final Interner COMMON = new Interner(1024, 128);
    /** Headers (lower-case) whose values repeat across clients; not, e.g., the WebSocket key or cookies. */
    private static final java.util.Set<String> COMMON_VALUES = ignoringCase("host", "upgrade", "connection",
            "sec-websocket-version", "sec-websocket-extensions", "user-agent", "accept", "accept-encoding",
            "accept-language", "origin", "cache-control", "pragma", "content-type");
    /**
     * Headers (lower-case) the snapshot leaves out: the WebSocket key (and its answer's inputs) is spent once the
     * handshake is answered, and it is a per-client random string that each idle connection would keep for
     * nothing (64 B). Unlike Node's {@code socket.handshake.headers}, which is the raw request's, the snapshot's
     * headers do not list it.
     */
    private static final String NOT_KEPT_NAME = "sec-websocket-key";
    private static final java.util.Set<String> NOT_KEPT = ignoringCase(NOT_KEPT_NAME);
    /** An immutable set of {@code names} whose {@code contains} ignores case (and allocates nothing). */
    private static java.util.Set<String> ignoringCase(String... names) {
        java.util.TreeSet<String> set = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return java.util.Collections.unmodifiableSet(set);
    }

    /** Engine.IO's query parameters whose values repeat across clients. */
    private static final java.util.Set<String> COMMON_QUERY_VALUES = java.util.Set.of("EIO", "transport");
    /** The last request URI seen: direct WebSocket clients of one server send the same one. */
    private static volatile String lastUri;
    /** The last path seen (a canonical instance). */
    private static volatile String lastPath;
    /**
     * The last header and query arrays built (never modified once built): clients of one application send the
     * same headers and query (the WebSocket key, which differs, is not kept), whose strings are shared already, so
     * a snapshot like the last one shares its arrays too.
     */
    private static volatile String[] lastHeaders;
    private static volatile String[] lastQuery;

    /**
     * A header name as received, its canonical instance and what the snapshot does with its value, found with one
     * look-up per header (the names of one application's clients repeat); bounded like {@link #COMMON}.
     */
    private static final class HeaderName {
        static final int PLAIN = 0;
        /** Its values repeat across clients: kept as canonical instances ({@link #COMMON_VALUES}). */
        static final int COMMON_VALUE = 1;
        /** Left out of the snapshot ({@link #NOT_KEPT}). */
        static final int NOT_KEPT = 2;
        private static final java.util.concurrent.ConcurrentHashMap<String, HeaderName> KNOWN =
                new java.util.concurrent.ConcurrentHashMap<>();

        final String name;
        final int kind;

        private HeaderName(String name, int kind) {
            this.name = name;
            this.kind = kind;
        }

        static HeaderName of(String received) {
            HeaderName known = KNOWN.get(received);
            return known != null ? known : learn(received);
        }

        private static HeaderName learn(String received) {
            // case-insensitive sets: no lower-case copy of the name
            String name = COMMON.canonical(received);
            HeaderName h = new HeaderName(name, EngineRequest.NOT_KEPT.contains(name) ? NOT_KEPT
                    : COMMON_VALUES.contains(name) ? COMMON_VALUE : PLAIN);
            if (received.length() <= 128 && KNOWN.size() < 1024) {
                HeaderName raced = KNOWN.putIfAbsent(received, h);
                return raced != null ? raced : h;
            }
            return h;
        }
    }

    /** A bounded set of canonical strings. */
    private static final class Interner {
        private final java.util.concurrent.ConcurrentHashMap<String, String> strings =
                new java.util.concurrent.ConcurrentHashMap<>();
        private final int maxEntries;
        private final int maxLength;

        Interner(int maxEntries, int maxLength) {
            this.maxEntries = maxEntries;
            this.maxLength = maxLength;
        }

        String canonical(String s) {
            String c = strings.get(s);
            if (c != null) {
                return c;
            }
            if (s.length() <= maxLength && strings.size() < maxEntries) {
                c = strings.putIfAbsent(s, s);
                return c != null ? c : s;
            }
            return s;
        }
    }

    /** The header map of {@link #copy} (lower-case names, values in order, unmodifiable) from a flat array. */
    private static Map<String, List<String>> headerMap(String[] raw) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (int i = 0; i < raw.length; i += 2) {
            grouped.computeIfAbsent(raw[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(raw[i + 1]);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        grouped.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> in, boolean lower) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (in != null) {
            for (Map.Entry<String, List<String>> e : in.entrySet()) {
                String k = lower ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey();
                List<String> prev = out.get(k);
                if (prev == null) {
                    out.put(k, List.copyOf(e.getValue()));
                } else {
                    ArrayList<String> merged = new ArrayList<>(prev);
                    merged.addAll(e.getValue());
                    out.put(k, List.copyOf(merged));
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The HTTP method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The request URI (path and query). */
    public String uri() {
        return uri;
    }

    /** The decoded path of the URI. */
    public String path() {
        return path;
    }

    /** All query parameters. */
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> q = query;
        if (q == null) {
            Map<String, List<String>> grouped = new LinkedHashMap<>();
            for (int i = 0; i < rawQuery.length; i += 2) {
                grouped.computeIfAbsent(rawQuery[i], k -> new ArrayList<>(1)).add(rawQuery[i + 1]);
            }
            q = copy(grouped, false);
            query = q;
        }
        return q;
    }

    /**
     * The value of a query parameter, or {@code null}: the last one when it is repeated, as in engine.io's
     * {@code req._query} (socket.io's {@code handshake.query}); {@link #queryParameters()} has them all.
     */
    public String query(String name) {
        String[] raw = rawQuery;
        if (raw == null) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
        }
        for (int i = raw.length - 2; i >= 0; i -= 2) {
            if (raw[i].equals(name)) {
                return raw[i + 1];
            }
        }
        return null;
    }

    /**
     * All headers, with lower-case names; in a snapshot built by {@link #of}, without {@code sec-websocket-key}
     * (spent with the handshake, not kept per connection).
     */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> h = headers;
        if (h == null) {
            h = headerMap(rawHeaders);
            headers = h;
        }
        return h;
    }

    /** The first value of a header (case-insensitive name), or {@code null}. */
    public String header(String name) {
        String[] raw = rawHeaders;
        if (raw == null) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < raw.length; i += 2) {
            // the same test as the map's (equal lower-case forms); equalsIgnoreCase first, as it allocates nothing
            if (raw[i].equalsIgnoreCase(lower) && raw[i].toLowerCase(Locale.ROOT).equals(lower)) {
                return raw[i + 1];
            }
        }
        return null;
    }

    /** The remote address of the connection that made the handshake. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Whether the request came over TLS. */
    public boolean secure() {
        return secure;
    }

    /** Epoch millis of the handshake. */
    public long time() {
        return time;
    }

    @Override
    public String toString() {
        return "EngineRequest{" + method + " " + uri + " from " + remoteAddress + "}";
    }
}
