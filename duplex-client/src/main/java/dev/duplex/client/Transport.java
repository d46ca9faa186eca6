package dev.duplex.client;

import dev.duplex.protocol.engineio.EnginePacket;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An Engine.IO client transport. Every method is called, and every callback made, on the event loop. */
abstract class Transport {
    /** Callbacks of a transport. */
    interface Events {
        void onTransportOpen(Transport t);

        void onTransportPacket(Transport t, EnginePacket p);

        void onTransportDrain(Transport t);

        void onTransportError(Transport t, DuplexClientException e);

        void onTransportClose(Transport t, String reason);
    }

    enum State { NEW, OPENING, OPEN, PAUSING, PAUSED, CLOSED }

    final ClientContext ctx;
    final String name;
    Events events;
    State state = State.NEW;
    boolean writable;
    String sid;

    Transport(ClientContext ctx, String name, String sid, Events events) {
        this.ctx = ctx;
        this.name = name;
        this.sid = sid;
        this.events = events;
    }

    abstract void open();

    abstract void send(List<EnginePacket> packets);

    /** Closes the transport; no callback is made afterwards. The future completes when it is closed. */
    abstract CompletableFuture<Void> close();

    /** Stops reading (polling) so that the connection can be handed over to another transport. */
    void pause(Runnable onPaused) {
        state = State.PAUSED;
        onPaused.run();
    }

    /** Undoes {@link #pause} when an upgrade fails. */
    void resume() {
        if (state == State.PAUSING || state == State.PAUSED) {
            state = State.OPEN;
        }
    }

    final void fireOpen() {
        if (state != State.CLOSED) {
            events.onTransportOpen(this);
        }
    }

    final void firePacket(EnginePacket p) {
        if (state != State.CLOSED) {
            events.onTransportPacket(this, p);
        }
    }

    final void fireDrain() {
        if (state != State.CLOSED) {
            events.onTransportDrain(this);
        }
    }

    final void fireError(DuplexClientException e) {
        if (state != State.CLOSED) {
            events.onTransportError(this, e);
        }
    }

    final void fireClose(String reason) {
        if (state != State.CLOSED) {
            events.onTransportClose(this, reason);
        }
    }
}
