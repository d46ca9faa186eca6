package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** An incoming event as packet middlewares see it: the name, the mutable argument list and the ack (or null). */
public final class EventPacket {
    private String event;
    private final List<JsonNode> args;
    private final Ack ack;

    EventPacket(String event, List<JsonNode> args, Ack ack) {
        this.event = event;
        this.args = args;
        this.ack = ack;
    }

    /** The event name. */
    public String event() {
        return event;
    }

    /** Renames the event before it reaches the handlers. */
    public void event(String name) {
        this.event = java.util.Objects.requireNonNull(name, "name");
    }

    /** The arguments after the event name (mutable). */
    public List<JsonNode> args() {
        return args;
    }

    /** The client's acknowledgement callback, or null. */
    public Ack ack() {
        return ack;
    }

    @Override
    public String toString() {
        return "EventPacket[" + event + ", " + args + (ack != null ? ", ack" : "") + "]";
    }
}
