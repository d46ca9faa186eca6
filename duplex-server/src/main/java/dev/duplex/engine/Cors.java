package dev.duplex.engine;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

/** The headers of the {@code cors} npm package (as engine.io uses it) for one request. */
final class Cors {
    private Cors() {
    }

    static boolean isPreflight(HttpRequest req) {
        return HttpMethod.OPTIONS.equals(req.method());
    }

    /**
     * The CORS headers for a request, or {@code null} when there are none (no CORS options, or a predicate that
     * refused the origin, which like the npm package adds no header at all).
     */
    static HttpHeaders headers(CorsOptions cors, HttpRequest req) {
        // small enough to inline: without CORS options (the default) every request stops here, and the JIT
        // compilers never compile the rest for a server that has none
        return cors == null ? null : build(cors, req);
    }

    private static HttpHeaders build(CorsOptions cors, HttpRequest req) {
        String requestOrigin = req.headers().get(HttpHeaderNames.ORIGIN);
        HttpHeaders h = new DefaultHttpHeaders();
        boolean varyOrigin = false;
        if (cors.origin() != null) {
            if ("*".equals(cors.origin())) {
                h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            } else {
                h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, cors.origin());
                varyOrigin = true;
            }
        } else if (cors.origins() != null) {
            if (requestOrigin != null && cors.origins().contains(requestOrigin)) {
                h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, requestOrigin);
            }
            varyOrigin = true;
        } else {
            boolean allowed;
            try {
                allowed = cors.originPredicate().test(requestOrigin);
            } catch (RuntimeException e) {
                allowed = false;
            }
            if (!allowed) {
                return null;
            }
            if (requestOrigin != null) {
                h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, requestOrigin);
            }
            varyOrigin = true;
        }
        if (varyOrigin) {
            h.add(HttpHeaderNames.VARY, "Origin");
        }
        if (cors.credentials()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (isPreflight(req)) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(",", cors.methods()));
            if (cors.allowedHeaders() == null) {
                String requested = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
                h.add(HttpHeaderNames.VARY, "Access-Control-Request-Headers");
                if (requested != null && !requested.isEmpty()) {
                    h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requested);
                }
            } else if (!cors.allowedHeaders().isEmpty()) {
                h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(",", cors.allowedHeaders()));
            }
            if (cors.maxAge() != null) {
                h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAge().getSeconds()));
            }
        }
        if (!cors.exposedHeaders().isEmpty()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(",", cors.exposedHeaders()));
        }
        // Vary values are joined as one header, like Node's vary()
        if (h.contains(HttpHeaderNames.VARY)) {
            String vary = String.join(", ", h.getAll(HttpHeaderNames.VARY));
            h.set(HttpHeaderNames.VARY, vary);
        }
        return h;
    }
}
