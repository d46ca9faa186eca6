package dev.duplex.engine;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
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
     * The query parameters: null until {@link #queryParameters()} builds them from {@link #rawQuery} (the decoder's
     * own map, never changed after decoding) in a snapshot built by {@link #of}.
     */
    private volatile Map<String, List<String>> query;
    private final Map<String, List<String>> rawQuery;
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
     * A snapshot that keeps the request's headers as a flat array and the decoder's query map, and builds the
     * maps only when asked: most connections never read them, and copying them cost a good part of a handshake.
     */
    private EngineRequest(String method, String uri, String path, Map<String, List<String>> rawQuery,
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
        QueryStringDecoder qs = new QueryStringDecoder(request.uri());
        return of(ctx, request, qs);
    }

    /** {@code qs} is the decoder of {@code request.uri()}; its parameter map is kept, not copied. */
    static EngineRequest of(ChannelHandlerContext ctx, HttpRequest request, QueryStringDecoder qs) {
        HttpHeaders h = request.headers();
        String[] raw = new String[h.size() * 2];
        int n = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (n == raw.length) {
                raw = Arrays.copyOf(raw, n * 2 + 2);
            }
            raw[n++] = e.getKey().toString();
            raw[n++] = e.getValue().toString();
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        return new EngineRequest(request.method().name(), request.uri(), qs.path(), qs.parameters(),
                n == raw.length ? raw : Arrays.copyOf(raw, n),
                remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null,
                ctx.pipeline().get(SslHandler.class) != null, System.currentTimeMillis());
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
            q = copy(rawQuery, false);
            query = q;
        }
        return q;
    }

    /**
     * The value of a query parameter, or {@code null}: the last one when it is repeated, as in engine.io's
     * {@code req._query} (socket.io's {@code handshake.query}); {@link #queryParameters()} has them all.
     */
    public String query(String name) {
        Map<String, List<String>> q = query;
        List<String> v = (q != null ? q : rawQuery).get(name);
        return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }

    /** All headers, with lower-case names. */
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
