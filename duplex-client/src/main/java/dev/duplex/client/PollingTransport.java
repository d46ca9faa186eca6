package dev.duplex.client;

import dev.duplex.protocol.engineio.EngineCodec;
import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.engineio.EnginePacketType;
import dev.duplex.protocol.engineio.EngineProtocolException;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** HTTP long-polling: a GET connection that polls and a POST connection that writes, both kept alive. */
final class PollingTransport extends Transport {
    private final HttpConnection getConn;
    private final HttpConnection postConn;
    private boolean polling;
    private Runnable onPaused;

    PollingTransport(ClientContext ctx, String sid, Events events) {
        super(ctx, IoOptions.POLLING, sid, events);
        getConn = new HttpConnection(ctx);
        postConn = new HttpConnection(ctx);
    }

    @Override
    void open() {
        state = State.OPENING;
        poll();
    }

    private void poll() {
        polling = true;
        getConn.request(HttpMethod.GET, ctx.requestUri(name, sid), null, this::onPollResponse);
    }

    private void onPollResponse(HttpConnection.Response r, Throwable failure) {
        polling = false;
        if (state == State.CLOSED) {
            return;
        }
        if (failure != null) {
            fireError(Errors.of("xhr poll error", ctx.hostPort(), failure));
            return;
        }
        if (r.status() != 200) {
            fireError(Errors.http("xhr poll error", r.status(), r.reason(), r.body()));
            return;
        }
        List<EnginePacket> packets;
        try {
            packets = EngineCodec.decodePayload(r.body());
        } catch (EngineProtocolException e) {
            fireError(Errors.protocol("invalid polling payload from the server: " + e.getMessage(), e));
            return;
        }
        for (EnginePacket p : packets) {
            if (state == State.OPENING && p.type() == EnginePacketType.OPEN) {
                state = State.OPEN;
                writable = true;
                fireOpen();
            }
            if (p.type() == EnginePacketType.CLOSE) {
                fireClose("transport close");
                return;
            }
            firePacket(p);
            if (state == State.CLOSED) {
                return;
            }
        }
        if (state == State.PAUSING) {
            checkPaused();
        } else if (state == State.OPEN) {
            poll();
        }
    }

    @Override
    void send(List<EnginePacket> packets) {
        writable = false;
        postConn.request(HttpMethod.POST, ctx.requestUri(name, sid), EngineCodec.encodePayload(packets),
                (r, failure) -> {
                    if (state == State.CLOSED) {
                        return;
                    }
                    if (failure != null) {
                        fireError(Errors.of("xhr post error", ctx.hostPort(), failure));
                    } else if (r.status() != 200) {
                        fireError(Errors.http("xhr post error", r.status(), r.reason(), r.body()));
                    } else {
                        writable = true;
                        fireDrain();
                        checkPaused();
                    }
                });
    }

    @Override
    void resume() {
        State was = state;
        super.resume();
        onPaused = null;
        if ((was == State.PAUSING || was == State.PAUSED) && !polling) {
            poll();
        }
    }

    @Override
    void pause(Runnable onPaused) {
        state = State.PAUSING;
        this.onPaused = onPaused;
        checkPaused();
    }

    private void checkPaused() {
        if (state == State.PAUSING && !polling && writable) {
            state = State.PAUSED;
            Runnable r = onPaused;
            onPaused = null;
            if (r != null) {
                r.run();
            }
        }
    }

    /** Closes the HTTP connections without telling the server (after an upgrade). */
    CompletableFuture<Void> release() {
        state = State.CLOSED;
        return CompletableFuture.allOf(getConn.close(), postConn.close());
    }

    @Override
    CompletableFuture<Void> close() {
        State was = state;
        state = State.CLOSED;
        if (was == State.OPEN && !postConn.busy()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            postConn.request(HttpMethod.POST, ctx.requestUri(name, sid), EngineCodec.encode(
                    EnginePacket.of(EnginePacketType.CLOSE)), (r, failure) -> {
                        CompletableFuture.allOf(getConn.close(), postConn.close())
                                .whenComplete((v, e) -> f.complete(null));
                    });
            return f;
        }
        return CompletableFuture.allOf(getConn.close(), postConn.close());
    }
}
