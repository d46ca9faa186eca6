package dev.duplex.engine;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The Netty transport the server's I/O threads use.
 *
 * <p>{@link #AUTO} (the default) takes the fastest one this machine offers: io_uring (Linux 5.14 and later, when
 * not disabled by {@code kernel.io_uring_disabled} or a seccomp profile), else epoll (Linux), else NIO. With
 * io_uring the kernel takes many socket writes in one system call, which matters most when one broadcast writes to
 * every member of a large room.
 */
public enum IoTransport {
    /** io_uring if available, else epoll if available, else NIO. */
    AUTO,
    /** Linux io_uring; starting fails when the kernel does not offer it. */
    IO_URING,
    /** Linux epoll; starting fails when it is not available. */
    EPOLL,
    /** Java NIO, available everywhere. */
    NIO;

    /** The transport {@link #AUTO} stands for on this machine, or this one when it is available. */
    public IoTransport resolve() {
        return switch (this) {
            case AUTO -> IoUring.isAvailable() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw new IllegalStateException("io_uring is not available", IoUring.unavailabilityCause());
                }
                yield this;
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll is not available", Epoll.unavailabilityCause());
                }
                yield this;
            }
            case NIO -> this;
        };
    }

    /** Whether this machine offers the transport ({@link #AUTO} and {@link #NIO} always). */
    public boolean isAvailable() {
        return switch (this) {
            case AUTO, NIO -> true;
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
        };
    }

    /**
     * Why {@link #AUTO} fell back to NIO, for the start-up log line: on a platform without Netty's native
     * transports (neither {@code netty-transport-native-io_uring} nor {@code -epoll} for this OS and CPU on the
     * class path), or where the kernel refuses them.
     */
    static String nativeUnavailable() {
        Throwable cause = Epoll.unavailabilityCause();
        return " (no native transport: " + (cause == null ? "unavailable" : cause.getMessage()) + ")";
    }

    IoHandlerFactory handlerFactory() {
        return switch (resolve()) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
    }

    Class<? extends ServerChannel> serverChannelClass() {
        return switch (resolve()) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
    }
}
