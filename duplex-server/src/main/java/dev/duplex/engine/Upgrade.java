package dev.duplex.engine;

import dev.duplex.protocol.engineio.EnginePacketType;
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
            session.upgradeTo(candidate);
        } else {
            session.cancelUpgrade(true);
        }
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
