package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.concurrent.TimeoutException;

/** An acknowledgement that did not arrive in time; for a broadcast it carries the responses that did arrive. */
public class AckTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;
    private final transient List<JsonNode> responses;

    /** @param responses what arrived before the timeout (first argument of each client's ack) */
    public AckTimeoutException(List<JsonNode> responses) {
        super("operation has timed out");
        this.responses = List.copyOf(responses);
    }

    /** The responses that arrived in time (empty for a single socket). */
    public List<JsonNode> responses() {
        return responses;
    }
}
