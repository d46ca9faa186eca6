package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Handles an event and returns the acknowledgement: the returned value (or the value of a returned
 * {@link java.util.concurrent.CompletionStage}) is sent as the single argument of the ack, when the client asked
 * for one. A failed stage or a thrown exception is reported to the socket's error listeners and no ack is sent.
 */
@FunctionalInterface
public interface RequestHandler {

    /** @param args the arguments after the event name */
    Object handle(List<JsonNode> args) throws Exception;
}
