package dev.duplex.client;

import io.netty.bootstrap.Bootstrap;
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

    String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
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
        StringBuilder sb = new StringBuilder(opts.path).append('?');
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

    /** Adds the extra headers and the cookies to a request. */
    void addHeaders(HttpHeaders headers) {
        opts.extraHeaders.forEach(headers::set);
        if (opts.cookies) {
            synchronized (cookies) {
                if (!cookies.isEmpty()) {
                    headers.set("cookie", ClientCookieEncoder.LAX.encode(cookies.values()));
                }
            }
        }
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
