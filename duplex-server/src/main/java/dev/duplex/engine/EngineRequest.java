package dev.duplex.engine;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An immutable snapshot of the HTTP request that opened a session (the handshake). */
public final class EngineRequest {
    private final String method;
    private final String uri;
    private final String path;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
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
        this.headers = copy(headers, true);
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

    static EngineRequest of(ChannelHandlerContext ctx, HttpRequest request, QueryStringDecoder qs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : request.headers().names()) {
            headers.put(name, request.headers().getAll(name));
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        return new EngineRequest(request.method().name(), request.uri(), qs.path(), qs.parameters(), headers,
                remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null,
                ctx.pipeline().get(SslHandler.class) != null, System.currentTimeMillis());
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
                    java.util.ArrayList<String> merged = new java.util.ArrayList<>(prev);
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
        return query;
    }

    /** The first value of a query parameter, or {@code null}. */
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** All headers, with lower-case names. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header (case-insensitive name), or {@code null}. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
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
