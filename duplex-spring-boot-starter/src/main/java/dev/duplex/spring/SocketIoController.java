package dev.duplex.spring;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Spring bean whose {@link OnConnect}, {@link OnDisconnect}, {@link OnEvent} and {@link Middleware} methods handle
 * the sockets of one namespace.
 *
 * <pre>{@code
 * @SocketIoController("/chat")
 * class ChatController {
 *     record Message(String text) {}
 *
 *     @OnEvent("message")
 *     String message(Socket socket, Message message) {
 *         socket.broadcast().emit("message", message);
 *         return "ok"; // sent as the ack when the client asked for one
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface SocketIoController {
    /** The namespace, {@code "/"} by default ({@code "chat"} means {@code "/chat"}). */
    @AliasFor("namespace")
    String value() default "/";

    /** Same as {@link #value()}. */
    @AliasFor("value")
    String namespace() default "/";
}
