package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Handles an event with its raw JSON arguments (binary arguments are {@code BinaryNode}s).
 * A thrown exception is logged and reported to the socket's error listeners; the connection stays up.
 */
@FunctionalInterface
public interface EventHandler {

    /**
     * @param args the arguments after the event name
     * @param ack  the client's acknowledgement callback, or null when the client asked none
     */
    void handle(List<JsonNode> args, Ack ack) throws Exception;
}
