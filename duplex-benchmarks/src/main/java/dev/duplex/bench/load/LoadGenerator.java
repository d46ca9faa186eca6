package dev.duplex.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The raw-frame load generator: one Netty event-loop thread driving many {@link WsConnection}s against one server
 * on loopback (or several: the nodes of a cluster, in turn). It refuses any target that is not a loopback address, spreads its connections over several
 * loopback source addresses (127.0.0.2, 127.0.0.3, ...) so that 10,000+ connections never run out of ephemeral
 * ports, and closes every connection with a TCP RST (SO_LINGER 0).
 */
public final class LoadGenerator implements AutoCloseable {
    private final InetSocketAddress[] targets;
    private final InetAddress[] sources;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final String[] hostPorts;
    private final String transport;
    private int nextSource;
    private int nextTarget;

    /**
     * @param target a loopback address and port
     * @param sourceAddresses how many loopback source addresses to spread connections over (1 to 200)
     * @throws IllegalArgumentException when the target is not on loopback
     */
    public LoadGenerator(InetSocketAddress target, int sourceAddresses) {
        this(java.util.List.of(target), sourceAddresses);
    }

    /**
     * A generator for several servers (the nodes of a cluster): connection {@code i} goes to target {@code i %
     * targets.size()} ({@link WsConnection#target}).
     *
     * @param targets loopback addresses and ports
     * @param sourceAddresses how many loopback source addresses to spread connections over (1 to 200)
     * @throws IllegalArgumentException when a target is not on loopback
     */
    public LoadGenerator(java.util.List<InetSocketAddress> targets, int sourceAddresses) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target");
        }
        for (InetSocketAddress target : targets) {
            if (target.isUnresolved() || !target.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("the load generator only targets loopback addresses, not "
                        + target);
            }
        }
        if (sourceAddresses < 1 || sourceAddresses > 200) {
            throw new IllegalArgumentException("sourceAddresses must be 1..200");
        }
        this.targets = targets.toArray(new InetSocketAddress[0]);
        this.hostPorts = targets.stream().map(t -> t.getAddress().getHostAddress() + ":" + t.getPort())
                .toArray(String[]::new);
        this.sources = new InetAddress[sourceAddresses];
        try {
            for (int i = 0; i < sourceAddresses; i++) {
                sources[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)});
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        // epoll (io_uring was tried: its asynchronous closes stalled the generator's shutdown and connects)
        boolean epoll = Epoll.isAvailable();
        this.transport = epoll ? "epoll" : "nio";
        this.group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_LINGER, 0)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    /** The single thread every connection and scenario callback runs on. */
    EventLoop loop() {
        return group.next();
    }

    /** Runs the task on the generator thread and waits for its result. */
    <T> T onLoop(Callable<T> task) {
        try {
            return loop().submit(task).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("generator thread did not answer within 30 s");
        }
    }

    /**
     * Bytes the generator thread has allocated so far (HotSpot's per-thread counter), or -1 where unsupported: a
     * measure of the generator's per-message garbage that the machine's load does not blur.
     */
    long allocatedBytes() {
        long id = onLoop(() -> Thread.currentThread().getId());
        if (java.lang.management.ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
            return t.getThreadAllocatedBytes(id);
        }
        return -1;
    }

    /** The generator's Netty transport: epoll or nio. */
    public String transport() {
        return transport;
    }

    /** Opens one connection (call from the generator thread); failures reach the listener's onClosed. */
    WsConnection connect(ConnectionListener listener) {
        return connect(listener, null);
    }

    /**
     * Opens one WebSocket connection that upgrades the polling session {@code sid} (null: a plain WebSocket
     * connection) to the first target; call from the generator thread.
     */
    WsConnection connect(ConnectionListener listener, String sid) {
        int t = sid == null ? nextTarget : 0;
        if (sid == null) {
            nextTarget = (nextTarget + 1) % targets.length;
        }
        WsConnection c = new WsConnection(listener, hostPorts[t], sid);
        c.target = t;
        InetSocketAddress local = new InetSocketAddress(sources[nextSource], 0);
        nextSource = (nextSource + 1) % sources.length;
        bootstrap.clone().handler(c).connect(targets[t], local).addListener(f -> {
            if (!f.isSuccess()) {
                c.connectFailed(f.cause());
            }
        });
        return c;
    }

    /** Closes a connection with RST. */
    static void reset(WsConnection c) {
        Channel ch = c.channel();
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
