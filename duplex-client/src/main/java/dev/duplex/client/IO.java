package dev.duplex.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entry point, like {@code io()} of socket.io-client:
 * {@code Socket s = IO.socket("http://localhost:3000/chat", IoOptions.builder().build()); s.connect();}.
 * The URL's path is the namespace; the Engine.IO path is {@link IoOptions.Builder#path}.
 */
public final class IO {
    private static final Map<String, Manager> MANAGERS = new ConcurrentHashMap<>();

    private IO() {
    }

    /** A socket for the URL's namespace with default options. */
    public static Socket socket(String url) {
        return socket(url, IoOptions.defaults());
    }

    /**
     * A socket for the URL's namespace. Sockets to other namespaces of the same server share one connection
     * (one {@link Manager}) unless {@code forceNew} is set or {@code multiplex} is off; a second socket to the same
     * namespace gets a new connection.
     */
    public static Socket socket(String url, IoOptions opts) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL " + url + ": " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("unsupported URL scheme in " + url + " (http, https, ws or wss)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + url);
        }
        boolean secure = scheme.equals("https") || scheme.equals("wss");
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        String nsp = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        IoOptions o = opts;
        if (uri.getRawQuery() != null && opts.query.isEmpty()) {
            IoOptions.Builder b = opts.toBuilder();
            for (String kv : uri.getRawQuery().split("&")) {
                int i = kv.indexOf('=');
                String k = i < 0 ? kv : kv.substring(0, i);
                String v = i < 0 ? "" : kv.substring(i + 1);
                b.query(java.net.URLDecoder.decode(k, java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(v, java.nio.charset.StandardCharsets.UTF_8));
            }
            o = b.build();
        }
        String id = (secure ? "https" : "http") + "://" + uri.getHost() + ":" + port + o.path;
        URI base = URI.create((secure ? "https" : "http") + "://" + (uri.getHost().contains(":")
                && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + port);
        Manager existing = MANAGERS.get(id);
        boolean sameNamespace = existing != null && existing.hasSocket(nsp);
        Manager io;
        if (o.forceNew || !o.multiplex || sameNamespace) {
            io = new Manager(base, o);
        } else {
            IoOptions fo = o;
            io = MANAGERS.computeIfAbsent(id, k -> new Manager(base, fo));
            Manager m = io;
            m.onFullyClosed(() -> MANAGERS.remove(id, m));
        }
        Socket s = io.socket(nsp);
        if (o.autoConnect) {
            s.connect();
        }
        return s;
    }
}
