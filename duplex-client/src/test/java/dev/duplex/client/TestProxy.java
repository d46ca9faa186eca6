package dev.duplex.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real proxy on loopback for the client's proxy tests, written on Netty: an HTTP proxy (CONNECT, Basic
 * authentication) or a SOCKS5 proxy (username/password authentication). It resolves {@value #TEST_HOST} (a name
 * nothing else resolves) to loopback, checks the credentials when it has some, relays the bytes both ways, and
 * records each tunnel ({@code user@host:port}) and how many bytes it relayed.
 */
final class TestProxy implements AutoCloseable {
    /** A host name only the proxy resolves: a client that bypasses the proxy cannot reach it. */
    static final String TEST_HOST = "duplex-behind-proxy.test";

    private final ProxyOptions.Type type;
    private final String user;
    private final String password;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    final List<String> tunnels = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    final AtomicLong relayed = new AtomicLong();

    /** Starts a proxy on a free loopback port; {@code user} null for no authentication. */
    TestProxy(ProxyOptions.Type type, String user, String password) {
        this.type = type;
        this.user = user;
        this.password = password;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (type == ProxyOptions.Type.HTTP) {
                            ch.pipeline().addLast("codec", new HttpServerCodec());
                            ch.pipeline().addLast("aggregator", new HttpObjectAggregator(8192));
                            ch.pipeline().addLast("proxy", new HttpConnectHandler());
                        } else {
                            ch.pipeline().addLast("unification", new SocksPortUnificationServerHandler());
                            ch.pipeline().addLast("proxy", new Socks5Handler());
                        }
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The client's options for this proxy, with the given credentials ({@code null}: none). */
    ProxyOptions options(String u, String p) {
        ProxyOptions o = type == ProxyOptions.Type.HTTP ? ProxyOptions.http("127.0.0.1", port())
                : ProxyOptions.socks5("127.0.0.1", port());
        return u == null ? o : o.credentials(u, p);
    }

    private boolean allowed(String u, String p) {
        return user == null || (user.equals(u) && password.equals(p));
    }

    private static InetSocketAddress resolve(String host, int port) {
        return TEST_HOST.equals(host) ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                : new InetSocketAddress(host, port);
    }

    /** Connects to the target; on success, {@code onConnected} runs, then both channels relay to each other. */
    private void connectAndRelay(Channel client, String host, int port, Runnable onConnected, Runnable onFailed) {
        client.config().setAutoRead(false);
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new Relay(client)).connect(resolve(host, port)).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        onFailed.run();
                        return;
                    }
                    Channel target = f.channel();
                    onConnected.run();
                    client.pipeline().addLast("relay", new Relay(target));
                    client.config().setAutoRead(true);
                });
    }

    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Relay(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                relayed.addAndGet(((ByteBuf) msg).readableBytes());
            }
            other.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** HTTP CONNECT with Basic authentication. */
    private final class HttpConnectHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!HttpMethod.CONNECT.equals(req.method())) {
                reply(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, true);
                return;
            }
            String u = null;
            String p = null;
            String auth = req.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
            if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                String plain = new String(Base64.getDecoder().decode(auth.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int i = plain.indexOf(':');
                u = i < 0 ? plain : plain.substring(0, i);
                p = i < 0 ? "" : plain.substring(i + 1);
            }
            if (!allowed(u, p)) {
                refusals.add(String.valueOf(u));
                reply(ctx, HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, true);
                return;
            }
            String target = req.uri();
            int colon = target.lastIndexOf(':');
            String host = target.substring(0, colon);
            int port = Integer.parseInt(target.substring(colon + 1));
            String who = u == null ? "" : u + "@";
            connectAndRelay(ctx.channel(), host, port, () -> {
                tunnels.add(who + target);
                reply(ctx, HttpResponseStatus.OK, false);
                ctx.pipeline().remove("codec");
                ctx.pipeline().remove("aggregator");
                ctx.pipeline().remove(this);
            }, () -> reply(ctx, HttpResponseStatus.BAD_GATEWAY, true));
        }

        private void reply(ChannelHandlerContext ctx, HttpResponseStatus status, boolean close) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
            if (status == HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED) {
                res.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"test\"");
            }
            if (status != HttpResponseStatus.OK) {
                res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            }
            var f = ctx.writeAndFlush(res);
            if (close) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** SOCKS5 with optional username/password authentication, CONNECT only. */
    private final class Socks5Handler extends SimpleChannelInboundHandler<Socks5Message> {
        private String who = "";

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Socks5Message msg) {
            if (msg instanceof Socks5InitialRequest) {
                List<Socks5AuthMethod> offered = ((Socks5InitialRequest) msg).authMethods();
                if (user == null) {
                    ctx.pipeline().addFirst("command", new Socks5CommandRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
                } else if (offered.contains(Socks5AuthMethod.PASSWORD)) {
                    ctx.pipeline().addFirst("auth", new Socks5PasswordAuthRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
                } else {
                    refusals.add("null");
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof Socks5PasswordAuthRequest) {
                Socks5PasswordAuthRequest a = (Socks5PasswordAuthRequest) msg;
                ctx.pipeline().remove("auth");
                if (allowed(a.username(), a.password())) {
                    who = a.username() + "@";
                    ctx.pipeline().addFirst("command", new Socks5CommandRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
                } else {
                    refusals.add(a.username());
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof Socks5CommandRequest) {
                Socks5CommandRequest c = (Socks5CommandRequest) msg;
                ctx.pipeline().remove("command");
                if (c.type() != Socks5CommandType.CONNECT) {
                    ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.COMMAND_UNSUPPORTED,
                            Socks5AddressType.IPv4)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                String target = c.dstAddr() + ":" + c.dstPort();
                connectAndRelay(ctx.channel(), c.dstAddr(), c.dstPort(), () -> {
                    tunnels.add(who + target);
                    ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                            Socks5AddressType.IPv4, "127.0.0.1", 0));
                    ctx.pipeline().remove(this);
                    ctx.pipeline().remove(Socks5ServerEncoder.class);
                }, () -> ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.FAILURE,
                        Socks5AddressType.IPv4)).addListener(ChannelFutureListener.CLOSE));
            } else {
                ctx.close();
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
