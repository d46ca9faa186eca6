package dev.duplex.http;

import dev.duplex.engine.HttpHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User HTTP routes on the server's port, as an {@link HttpHandler} for the engine's fallback (so the Socket.IO
 * path always wins: the engine never hands its own requests to a fallback). A pattern is an exact path
 * ({@code "/api/status"}) or a prefix ending in {@code "/*"} ({@code "/api/*"}); the first registered match
 * wins. A GET route answers HEAD too; a path that matches only for other methods is answered 405 with
 * {@code Allow}; no match returns false (next handler). Example:
 *
 * <pre>{@code
 * HttpHandler routes = Routes.builder()
 *     .get("/api/hello", req -> RouteResponse.text("hello " + req.query("name")))
 *     .build();
 * }</pre>
 */
public final class Routes implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    private final List<Entry> entries;

    private Routes(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        String method = request.method().name();
        TreeSet<String> allowed = new TreeSet<>();
        for (Entry e : entries) {
            if (!e.matches(path)) {
                continue;
            }
            if (e.method.equals(method) || (e.method.equals("GET") && method.equals("HEAD"))) {
                answer(ctx, request, e.route);
                return true;
            }
            allowed.add(e.method);
            if (e.method.equals("GET")) {
                allowed.add("HEAD");
            }
        }
        if (allowed.isEmpty()) {
            return false;
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.ALLOW, String.join(", ", allowed));
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        Http.send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, headers,
                "Method Not Allowed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return true;
    }

    private static void answer(ChannelHandlerContext ctx, FullHttpRequest request, Route route) {
        RouteResponse response;
        try {
            response = route.handle(new RouteRequest(ctx, request));
            if (response == null) {
                throw new IllegalStateException("route returned null");
            }
        } catch (Exception e) {
            LOG.warn("route {} {} failed", request.method(), request.uri(), e);
            Http.sendText(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal Server Error");
            return;
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        response.headers().forEach(headers::set);
        if (response.contentType() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        Http.send(ctx, request, HttpResponseStatus.valueOf(response.statusCode()), headers, response.bodyNoCopy());
    }

    /** Collects routes; {@link #build()} makes the immutable handler. */
    public static final class Builder {
        private final Map<String, Entry> entries = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder get(String pattern, Route route) {
            return route(HttpMethod.GET.name(), pattern, route);
        }

        public Builder post(String pattern, Route route) {
            return route(HttpMethod.POST.name(), pattern, route);
        }

        public Builder put(String pattern, Route route) {
            return route(HttpMethod.PUT.name(), pattern, route);
        }

        public Builder delete(String pattern, Route route) {
            return route(HttpMethod.DELETE.name(), pattern, route);
        }

        /** A route for any method name and a path pattern (exact, or a prefix ending in "/*"). */
        public Builder route(String method, String pattern, Route route) {
            Objects.requireNonNull(route, "route");
            String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            if (pattern == null || !pattern.startsWith("/")) {
                throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
            }
            entries.putIfAbsent(m + " " + pattern, new Entry(m, pattern, route));
            return this;
        }

        public Routes build() {
            return new Routes(new ArrayList<>(entries.values()));
        }
    }

    private static final class Entry {
        final String method;
        final String exact;
        final String prefix;
        final Route route;

        Entry(String method, String pattern, Route route) {
            this.method = method;
            this.route = route;
            if (pattern.endsWith("/*")) {
                this.prefix = pattern.substring(0, pattern.length() - 1);
                this.exact = pattern.substring(0, pattern.length() - 2);
            } else {
                this.prefix = null;
                this.exact = pattern;
            }
        }

        boolean matches(String path) {
            return path.equals(exact) || (prefix != null && path.startsWith(prefix));
        }
    }
}
