package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Sees every incoming event of a socket (after the packet middlewares, before the event handlers). */
@FunctionalInterface
public interface AnyListener {

    /** @param event the event name; @param args the arguments after the name */
    void onEvent(String event, List<JsonNode> args) throws Exception;
}
