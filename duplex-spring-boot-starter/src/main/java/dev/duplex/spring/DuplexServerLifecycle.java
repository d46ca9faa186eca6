package dev.duplex.spring;

import dev.duplex.server.SocketIoServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.net.InetSocketAddress;

/**
 * Starts the Socket.IO server with the application context (after registering the annotated handlers) and
 * closes it when the context closes: every socket gets "server shutting down" in its disconnect handlers and every
 * client a proper Engine.IO close, so it reconnects (to another instance, in a rolling deployment).
 */
public class DuplexServerLifecycle implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(DuplexServerLifecycle.class);

    private final SocketIoServer server;
    private final DuplexProperties properties;
    private final HandlerRegistrar registrar;
    private volatile boolean running;
    private boolean registered;

    DuplexServerLifecycle(SocketIoServer server, DuplexProperties properties, HandlerRegistrar registrar) {
        this.server = server;
        this.properties = properties;
        this.registrar = registrar;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (!registered) {
            registrar.registerAll();
            registered = true;
        }
        String address = properties.getAddress();
        if (address == null || address.isEmpty()) {
            server.start(properties.getPort());
        } else {
            server.start(new InetSocketAddress(address, properties.getPort()));
        }
        running = true;
        LOG.info("Socket.IO server started on port {} (path {})", server.port(), server.options().path());
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        server.close();
        LOG.info("Socket.IO server stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** The port the server listens on (useful with {@code duplex.port=0}). */
    public int port() {
        return server.port();
    }
}
