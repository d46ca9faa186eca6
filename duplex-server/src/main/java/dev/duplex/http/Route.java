package dev.duplex.http;

/**
 * A user HTTP route on the Socket.IO server's port, registered with {@link Routes}. It runs on the connection's
 * event loop, so it must not block; an exception is answered 500.
 */
@FunctionalInterface
public interface Route {
    RouteResponse handle(RouteRequest request) throws Exception;
}
