package dev.duplex.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.ClientCookieEncoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.ssl.SslHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** What the transports of one Engine.IO connection share: the event loop, the address, options, cookies. */
final class ClientContext {
    private static final Logger LOG = LoggerFactory.getLogger(ClientContext.class);
    final EventLoop loop;
    final IoOptions opts;
    final boolean secure;
    final String host;
    final int port;
    private final Map<String, Cookie> cookies;

    ClientContext(EventLoop loop, IoOptions opts, boolean secure, String host, int port, Map<String, Cookie> jar) {
        this.loop = loop;
        this.opts = opts;
        this.secure = secure;
        this.host = host;
        this.port = port;
        this.cookies = jar;
    }

    /** The server's host:port, and the proxy when there is one (for error messages). */
    String hostPort() {
        String hp = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return opts.proxy == null ? hp : hp + " through the " + opts.proxy;
    }

    String hostHeader() {
        boolean defaultPort = secure ? port == 443 : port == 80;
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return defaultPort ? h : h + ":" + port;
    }

    Bootstrap bootstrap() {
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
        if (opts.timeout != null) {
            b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, opts.timeout.toMillis()));
        }
        return b;
    }

    /**
     * Connects a channel to the server (through the proxy when there is one, which then resolves the host name),
     * with TLS when secure, then the given handlers.
     */
    ChannelFuture connect(ChannelHandler... handlers) {
        Bootstrap b = bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (opts.proxy != null) {
                    ch.pipeline().addLast("proxy", opts.proxy.newHandler(opts.timeout == null ? 0
                            : opts.timeout.toMillis()));
                }
                if (secure) {
                    ch.pipeline().addLast(newSslHandler());
                }
                ch.pipeline().addLast(handlers);
            }
        });
        if (opts.proxy != null) {
            return b.resolver(NoopAddressResolverGroup.INSTANCE).connect(InetSocketAddress.createUnresolved(host,
                    port));
        }
        return b.connect(host, port);
    }

    SslHandler newSslHandler() {
        SSLContext ctx = opts.sslContext;
        if (ctx == null) {
            try {
                ctx = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no default SSLContext", e);
            }
        }
        SSLEngine engine = ctx.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return new SslHandler(engine);
    }

    /** The request URI (path and query) for a transport. */
    String requestUri(String transport, String sid) {
        Map<String, String> q = new LinkedHashMap<>(opts.query);
        q.put("EIO", "4");
        q.put("transport", transport);
        if (sid != null) {
            q.put("sid", sid);
        }
        StringBuilder sb = (opts.addTrailingSlash || opts.path.length() == 1 ? new StringBuilder(opts.path)
                : new StringBuilder(opts.path.length()).append(opts.path, 0, opts.path.length() - 1)).append('?');
        boolean first = true;
        for (Map.Entry<String, String> e : q.entrySet()) {
            if (!first) {
                sb.append('&');
            }
            first = false;
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Adds the extra headers, the cookies and the changes of the request hook to a request. */
    void addHeaders(String transport, HttpHeaders headers) {
        if (opts.requestHeaders == null) {
            opts.extraHeaders.forEach(headers::set);
            String c = cookieHeader();
            if (c != null) {
                headers.set("cookie", c);
            }
            return;
        }
        Map<String, List<String>> h = new LinkedHashMap<>();
        opts.extraHeaders.forEach((k, v) -> h.put(k, new ArrayList<>(List.of(v))));
        String c = cookieHeader();
        if (c != null) {
            h.put("cookie", new ArrayList<>(List.of(c)));
        }
        try {
            opts.requestHeaders.apply(transport, h);
        } catch (RuntimeException e) {
            LOG.warn("the requestHeaders hook failed; the request is sent with the extra headers only", e);
            opts.extraHeaders.forEach(headers::set);
            return;
        }
        h.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                headers.set(k, v);
            }
        });
    }

    private String cookieHeader() {
        if (opts.cookies) {
            synchronized (cookies) {
                if (!cookies.isEmpty()) {
                    return ClientCookieEncoder.LAX.encode(cookies.values());
                }
            }
        }
        return null;
    }

    /** Keeps the cookies of a response (when withCredentials is on). */
    void storeCookies(HttpHeaders headers) {
        if (!opts.cookies) {
            return;
        }
        for (String h : headers.getAll("set-cookie")) {
            Cookie c = ClientCookieDecoder.LAX.decode(h);
            if (c != null) {
                synchronized (cookies) {
                    if (c.maxAge() == 0) {
                        cookies.remove(c.name());
                    } else {
                        cookies.put(c.name(), c);
                    }
                }
            }
        }
    }
}
