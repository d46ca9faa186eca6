package dev.duplex.engine;

import dev.duplex.protocol.engineio.EnginePacketType;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The upgrade of a polling session to a WebSocket (engine.io's {@code maybeUpgrade}): the client probes the new
 * transport ({@code 2probe}, answered {@code 3probe}), the pending GET is answered with a noop so that the client
 * can pause polling, then the client sends {@code 5} and the session moves to the WebSocket. Anything else, or no
 * {@code 5} within upgradeTimeout, cancels the upgrade and closes the candidate. Session loop.
 */
final class Upgrade {
    static final EngineMessage PONG_PROBE = EngineMessage.control('3', "probe");

    private final Session session;
    final WsHandler candidate;
    boolean probed;
    private final ScheduledFuture<?> timer;

    Upgrade(Session session, WsHandler candidate) {
        this.session = session;
        this.candidate = candidate;
        this.timer = session.schedule(() -> {
            if (session.upgrade == this) {
                session.cancelUpgrade(true);
            }
        }, session.options.upgradeTimeout().toMillis());
    }

    /** The upgrade under way on {@code session} when {@code from} is its candidate, else null. */
    static Upgrade of(Session session, WsHandler from) {
        Upgrade u = session.upgrade;
        return u != null && u.candidate == from ? u : null;
    }

    /** A text packet from the candidate. */
    void onPacket(EnginePacketType type, String data) {
        if (type == EnginePacketType.PING && "probe".equals(data)) {
            candidate.writeControl(PONG_PROBE);
            probed = true;
            PollingTransport polling = session.polling;
            if (polling != null && polling.hasPendingGet() && session.writeBuffer.isEmpty()) {
                polling.answerPendingGet("6");
            }
        } else if (type == EnginePacketType.UPGRADE && session.state() != Session.State.CLOSED) {
            cancelTimer();
            session.upgrade = null;
            complete();
        } else {
            session.cancelUpgrade(true);
        }
    }

    /**
     * The client sent {@code 5}: the pending GET is answered with a noop, the candidate becomes the transport and
     * what is buffered goes out over it; then the session moves to the WebSocket's loop, so that its frames need
     * no hop from now on.
     */
    private void complete() {
        PollingTransport polling = session.polling;
        polling.answerPendingGet("6");
        session.upgradeTo(candidate);
        if (session.state() == Session.State.CLOSING) {
            // closing over polling: the close now goes over the WebSocket once the buffer is flushed
            polling.abandonClose();
            if (session.writeBuffer.isEmpty()) {
                session.closeWith("forced close", null);
                return;
            }
        }
        EventLoop to = candidate.channel().eventLoop();
        if (to.inEventLoop()) {
            session.flush();
            return;
        }
        // What is buffered must not be written from this loop: those writes would reach the WebSocket after the
        // ones the new loop makes at once (a send there right after the move), out of order. The buffer keeps its
        // order: the new loop flushes it, with or before anything sent after it.
        session.moveTo(to);
        // nothing more with the session's state here: the new loop may run the session's code from now on
        session.execute(session::flush);
    }

    /** Ends the upgrade attempt, closing the candidate when asked. */
    void cancel(boolean closeCandidate) {
        cancelTimer();
        if (closeCandidate) {
            candidate.closeChannel();
        }
    }

    private void cancelTimer() {
        timer.cancel(false);
    }
}
