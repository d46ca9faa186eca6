package dev.duplex.client;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * A proxy the client connects through: {@code ProxyOptions.http("proxy.corp", 3128).credentials("me", "pw")}
 * (an HTTP proxy, tunnelling with CONNECT) or {@code ProxyOptions.socks5("127.0.0.1", 1080)}. Immutable. The
 * proxy resolves the server's host name. A refusal by the proxy (e.g. 407 for wrong credentials) is a
 * {@code connect_error} of kind {@link DuplexClientException.Kind#PROXY}.
 */
public final class ProxyOptions {
    /** The kind of proxy. */
    public enum Type {
        /** An HTTP proxy; the connection is tunnelled with {@code CONNECT}, Basic authentication. */
        HTTP,
        /** A SOCKS5 proxy, with username/password authentication when credentials are given. */
        SOCKS5
    }

    private final Type type;
    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private ProxyOptions(Type type, String host, int port, String username, String password) {
        this.type = Objects.requireNonNull(type, "type");
        this.host = Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("invalid proxy port " + port);
        }
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** An HTTP proxy (CONNECT). */
    public static ProxyOptions http(String host, int port) {
        return new ProxyOptions(Type.HTTP, host, port, null, null);
    }

    /** A SOCKS5 proxy. */
    public static ProxyOptions socks5(String host, int port) {
        return new ProxyOptions(Type.SOCKS5, host, port, null, null);
    }

    /**
     * The proxy of a {@link java.net.Proxy} (as given to OkHttp's {@code proxy(...)} with socket.io-client-java):
     * {@code HTTP} is an HTTP proxy, {@code SOCKS} a SOCKS5 proxy.
     */
    public static ProxyOptions of(Proxy proxy) {
        if (proxy.type() == Proxy.Type.DIRECT || !(proxy.address() instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("not a proxy with an address: " + proxy);
        }
        InetSocketAddress a = (InetSocketAddress) proxy.address();
        return new ProxyOptions(proxy.type() == Proxy.Type.HTTP ? Type.HTTP : Type.SOCKS5, a.getHostString(),
                a.getPort(), null, null);
    }

    /** The same proxy with credentials (Basic for HTTP, username/password for SOCKS5). */
    public ProxyOptions credentials(String username, String password) {
        return new ProxyOptions(type, host, port, Objects.requireNonNull(username, "username"),
                Objects.requireNonNull(password, "password"));
    }

    public Type type() {
        return type;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The user name, or {@code null} without credentials. */
    public String username() {
        return username;
    }

    /** A new Netty handler for one connection, first in the pipeline. */
    ProxyHandler newHandler(long connectTimeoutMillis) {
        SocketAddress address = new InetSocketAddress(host, port);
        ProxyHandler h;
        if (type == Type.HTTP) {
            h = username == null ? new HttpProxyHandler(address) : new HttpProxyHandler(address, username, password);
        } else {
            h = username == null ? new Socks5ProxyHandler(address) : new Socks5ProxyHandler(address, username,
                    password);
        }
        if (connectTimeoutMillis > 0) {
            h.setConnectTimeoutMillis(connectTimeoutMillis);
        }
        return h;
    }

    @Override
    public String toString() {
        return type.name().toLowerCase(java.util.Locale.ROOT) + " proxy " + host + ":" + port
                + (username == null ? "" : " (user " + username + ")");
    }
}
