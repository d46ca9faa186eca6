package dev.duplex.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called when a socket of the controller's namespace has disconnected. Parameters, in any order: the
 * {@code Socket}, its {@code Handshake}, and a {@code String} that receives socket.io's disconnect reason
 * ("client namespace disconnect", "transport close", "server shutting down"...).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnDisconnect {
}
