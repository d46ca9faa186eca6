package dev.duplex.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An immutable snapshot of the HTTP request a {@link Route} answers (body copied, headers lower-cased). */
public final class RouteRequest {
    private final String method;
    private final String uri;
    private final String path;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final InetSocketAddress remoteAddress;

    RouteRequest(FullHttpRequest request, SocketAddress remote) {
        this.method = request.method().name();
        this.uri = request.uri();
        QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
        this.path = decoder.path();
        Map<String, List<String>> q = new LinkedHashMap<>();
        decoder.parameters().forEach((k, v) -> q.put(k, List.copyOf(v)));
        this.query = Map.copyOf(q);
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : request.headers()) {
            h.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue());
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        h.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        this.headers = Map.copyOf(frozen);
        byte[] b = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), b);
        this.body = b;
        this.remoteAddress = remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null;
    }

    /** The method, e.g. "GET". */
    public String method() {
        return method;
    }

    /** The request target as sent, with its query string. */
    public String uri() {
        return uri;
    }

    /** The decoded path, without the query string. */
    public String path() {
        return path;
    }

    public Map<String, List<String>> queryParameters() {
        return query;
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The headers, names in lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header (case-insensitive name), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The peer's address, or null when unknown. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }
}
