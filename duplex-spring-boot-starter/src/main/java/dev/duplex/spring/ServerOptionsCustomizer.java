package dev.duplex.spring;

import dev.duplex.server.ServerOptions;

/**
 * Changes the options of the auto-configured server after the {@code duplex.*} properties were applied (an
 * adapter factory, a handler executor, an {@code allowRequest} filter...). Every bean of this type is called, in
 * {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface ServerOptionsCustomizer {
    /** Changes {@code options}. */
    void customize(ServerOptions.Builder options);
}
