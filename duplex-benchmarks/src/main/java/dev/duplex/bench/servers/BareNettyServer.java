package dev.duplex.bench.servers;

import dev.duplex.engine.IoTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling: a bare Netty WebSocket server that does the benchmark's work with hand-written, minimal
 * Engine.IO/Socket.IO text framing (open packet, {@code 40} answer, pings every 25 s, {@code echo}, {@code join},
 * {@code bcast}) and none of Socket.IO's generality: no JSON parsing (it slices the payload out of the frame), no
 * namespaces, no polling. A broadcast is encoded once, WebSocket header included, and written as retained
 * duplicates of that one buffer. One boss and one worker thread, the transport Duplex takes by default
 * ({@link IoTransport#AUTO}) unless {@code duplex.bench.transport} names another, loopback only.
 */
public final class BareNettyServer {
    private static final int PING_INTERVAL_MS = 25_000;
    private static final int PING_TIMEOUT_MS = 20_000;
    private static final Map<String, ChannelGroup> ROOMS = new ConcurrentHashMap<>();

    private BareNettyServer() {
    }

    public static void main(String[] args) {
        int port = ServerControl.port(args);
        AutoCloseable server = start(port);
        ServerControl.readyAndServe(port, () -> {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Starts the server on 127.0.0.1:{@code port}; closing the result stops it. */
    public static AutoCloseable start(int port) {
        // the transport Duplex takes by default (IoTransport.AUTO), so that the ceiling stays a ceiling, unless
        // duplex.bench.transport / DUPLEX_BENCH_TRANSPORT names another
        IoTransport transport = ServerControl.transport().resolve();
        IoHandlerFactory io = switch (transport) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
        Class<? extends ServerChannel> channel = switch (transport) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup worker = new MultiThreadIoEventLoopGroup(1, io);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/socket.io/").checkStartsWith(true).maxFramePayloadLength(1_000_000).build();
        Channel server = new ServerBootstrap().group(boss, worker)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(ws), new EioHandler());
                    }
                })
                .bind("127.0.0.1", port).syncUninterruptibly().channel();
        return () -> {
            server.close().syncUninterruptibly();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            worker.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        };
    }

    /** Random 20-character ids, like Engine.IO's. */
    private static String id() {
        UUID u = UUID.randomUUID();
        return Long.toString(u.getMostSignificantBits() & Long.MAX_VALUE, 36)
                + Long.toString(u.getLeastSignificantBits() & 0xffffffffL, 36);
    }

    private static final class EioHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private ScheduledFuture<?> pingTask;
        private boolean awaitingPong;
        private boolean connected;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                if (!hc.requestUri().contains("EIO=4") || !hc.requestUri().contains("transport=websocket")) {
                    ctx.close();
                    return;
                }
                ctx.writeAndFlush(new TextWebSocketFrame("0{\"sid\":\"" + id()
                        + "\",\"upgrades\":[],\"pingInterval\":" + PING_INTERVAL_MS + ",\"pingTimeout\":"
                        + PING_TIMEOUT_MS + ",\"maxPayload\":1000000}"));
                schedulePing(ctx);
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        private void schedulePing(ChannelHandlerContext ctx) {
            pingTask = ctx.executor().schedule(() -> {
                if (awaitingPong) {
                    ctx.close();
                    return;
                }
                awaitingPong = true;
                ctx.writeAndFlush(new TextWebSocketFrame("2"));
                pingTask = ctx.executor().schedule(() -> {
                    if (awaitingPong) {
                        ctx.close();
                    }
                }, PING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }, PING_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // connection resets from the generator (it closes with RST) and protocol errors: just close
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (pingTask != null) {
                pingTask.cancel(false);
            }
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ByteBuf c = frame.content();
            int r = c.readerIndex();
            int end = c.writerIndex();
            if (end - r < 1) {
                ctx.close();
                return;
            }
            switch (c.getByte(r)) {
                case '3' -> {
                    awaitingPong = false;
                    if (pingTask != null) {
                        pingTask.cancel(false);
                    }
                    schedulePing(ctx);
                }
                case '4' -> socketIo(ctx, c, r + 1, end);
                case '1' -> ctx.close();
                default -> ctx.close();
            }
        }

        private void socketIo(ChannelHandlerContext ctx, ByteBuf c, int r, int end) {
            if (r >= end) {
                ctx.close();
                return;
            }
            byte type = c.getByte(r);
            if (type == '0' && !connected) {
                connected = true;
                ctx.writeAndFlush(new TextWebSocketFrame("40{\"sid\":\"" + id() + "\"}"));
                return;
            }
            if (type != '2' || !connected) {
                ctx.close();
                return;
            }
            int i = r + 1;
            long ackId = -1;
            while (i < end && c.getByte(i) >= '0' && c.getByte(i) <= '9') {
                ackId = (ackId < 0 ? 0 : ackId * 10) + (c.getByte(i) - '0');
                i++;
            }
            if (i + 2 >= end || c.getByte(i) != '[' || c.getByte(i + 1) != '"') {
                ctx.close();
                return;
            }
            int nameStart = i + 2;
            int nameEnd = c.indexOf(nameStart, end, (byte) '"');
            if (nameEnd < 0 || nameEnd + 1 >= end || c.getByte(nameEnd + 1) != ',') {
                ctx.close();
                return;
            }
            String name = c.toString(nameStart, nameEnd - nameStart, StandardCharsets.US_ASCII);
            int rest = nameEnd + 2; // the first argument: "...", and everything after it
            switch (name) {
                case "echo" -> {
                    if (ackId >= 0) {
                        ByteBuf out = ctx.alloc().buffer(24 + end - rest);
                        out.writeByte('4').writeByte('3');
                        ByteBufUtil.writeAscii(out, Long.toString(ackId));
                        out.writeByte('[').writeBytes(c, rest, end - rest);
                        ctx.writeAndFlush(new TextWebSocketFrame(out), ctx.voidPromise());
                    }
                }
                case "join" -> {
                    String room = string(c, rest, end);
                    if (room == null) {
                        ctx.close();
                        return;
                    }
                    ROOMS.computeIfAbsent(room, k -> new DefaultChannelGroup(k, GlobalEventExecutor.INSTANCE))
                            .add(ctx.channel());
                    if (ackId >= 0) {
                        ctx.writeAndFlush(new TextWebSocketFrame("43" + ackId + "[]"), ctx.voidPromise());
                    }
                }
                case "bcast" -> {
                    String room = string(c, rest, end);
                    int payload = room == null ? -1 : rest + room.length() + 3;
                    if (payload < 0 || payload > end || c.getByte(payload - 1) != ',') {
                        ctx.close();
                        return;
                    }
                    ChannelGroup members = ROOMS.get(room);
                    if (members != null) {
                        broadcast(ctx.channel(), members, c, payload, end);
                    }
                }
                default -> {
                    // unknown event: ignored, as Socket.IO does
                }
            }
        }

        /** The string starting at {@code at} (which must be a quote), without escapes; null when malformed. */
        private static String string(ByteBuf c, int at, int end) {
            if (at >= end || c.getByte(at) != '"') {
                return null;
            }
            int close = c.indexOf(at + 1, end, (byte) '"');
            return close < 0 ? null : c.toString(at + 1, close - at - 1, StandardCharsets.UTF_8);
        }

        private static final byte[] BCAST_HEAD = "42[\"bcast\",".getBytes(StandardCharsets.US_ASCII);

        /** Encodes {@code 42["bcast",<payload>} and its WebSocket header once; writes duplicates of it. */
        private static void broadcast(Channel sender, ChannelGroup members, ByteBuf c, int payload, int end) {
            int len = BCAST_HEAD.length + end - payload;
            ByteBuf frame = sender.alloc().directBuffer(len + 4);
            frame.writeByte(0x81);
            if (len < 126) {
                frame.writeByte(len);
            } else if (len < 65536) {
                frame.writeByte(126).writeShort(len);
            } else {
                frame.release();
                return;
            }
            frame.writeBytes(BCAST_HEAD).writeBytes(c, payload, end - payload);
            try {
                for (Channel ch : members) {
                    if (ch != sender) {
                        ch.writeAndFlush(frame.retainedDuplicate(), ch.voidPromise());
                    }
                }
            } finally {
                frame.release();
            }
        }
    }
}
