package dev.duplex.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A connection middleware of the controller's namespace, run before the socket connects. Parameters, in any
 * order: the {@code Socket}, its {@code Handshake}. The connection is refused when the method throws (the client's
 * {@code connect_error} gets the exception's message, and the data of a {@code ConnectionRefusedException}) or
 * returns {@code false}. Middlewares run in {@link #order()}, then by method name.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Middleware {
    /** Lower values run first. */
    int order() default 0;
}
