package dev.duplex.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles an event of the controller's namespace. Parameters, in any order: the {@code Socket}, its
 * {@code Handshake}, the {@code Ack} (null when the client asked for none); every other parameter takes the next
 * argument of the event, mapped by the server's Jackson mapper to the parameter's type (records, collections,
 * {@code JsonNode}...). A missing argument is null (a primitive parameter gets its zero).
 *
 * <p>A non-void return value is sent as the ack when the client asked for one; a {@code CompletionStage} is sent
 * when it completes. An exception thrown by the method goes to the socket's error listeners.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnEvent {
    /** The event name. */
    String value();
}
