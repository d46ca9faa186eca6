package dev.duplex.http;

import dev.duplex.engine.HttpHandler;
import java.util.List;
import java.util.Objects;

/**
 * Puts several HTTP handlers behind one engine fallback: the first that takes a request answers it. A typical
 * front is {@code HttpFront.chain(routes, StaticFiles.classpath("web").fallbackFile("index.html").build())}.
 */
public final class HttpFront {
    private HttpFront() {
    }

    /** A handler that asks each handler in turn and returns true as soon as one has taken the request. */
    public static HttpHandler chain(HttpHandler... handlers) {
        List<HttpHandler> list = List.of(handlers);
        list.forEach(h -> Objects.requireNonNull(h, "handler"));
        return (ctx, request) -> {
            for (HttpHandler h : list) {
                if (h.handle(ctx, request)) {
                    return true;
                }
            }
            return false;
        };
    }
}
