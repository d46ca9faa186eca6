package dev.duplex.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The packets a socket sends while its manager has {@code retries > 0} (socket.io-client's {@code _queue}): one in
 * flight at a time, each sent with an acknowledgement and sent again until it is acknowledged or its
 * {@code retries + 1} tries are used up; then the next. Used on the manager's loop only.
 */
final class RetryQueue {
    /** Sends one try of a queued packet, with {@code ack} as its acknowledgement. */
    interface Sender {
        void send(Queued q, SocketAcks.Handler ack);
    }

    /** One packet of the queue. */
    static final class Queued {
        final String event;
        final List<Object> args;
        final SocketAcks.Handler userAck;
        final Duration timeout;
        int tryCount;
        boolean pending;

        Queued(String event, List<Object> args, SocketAcks.Handler userAck, Duration timeout) {
            this.event = event;
            this.args = args;
            this.userAck = userAck;
            this.timeout = timeout;
        }
    }

    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final int retries;
    private final BooleanSupplier connected;
    private final Sender sender;

    RetryQueue(int retries, BooleanSupplier connected, Sender sender) {
        this.retries = retries;
        this.connected = connected;
        this.sender = sender;
    }

    void add(Queued q) {
        queue.add(q);
        drain(false);
    }

    /**
     * Sends the head of the queue if the socket is connected and the head is not in flight; {@code force} sends it
     * again even if it is (after a reconnection, when its ack will never come).
     */
    void drain(boolean force) {
        if (!connected.getAsBoolean() || queue.isEmpty()) {
            return;
        }
        Queued q = queue.peek();
        if (q.pending && !force) {
            return;
        }
        q.pending = true;
        q.tryCount++;
        sender.send(q, (err, res) -> onAck(q, err, res));
    }

    private void onAck(Queued q, DuplexClientException err, List<JsonNode> res) {
        if (queue.peek() != q) {
            return;
        }
        if (err != null) {
            if (q.tryCount > retries) {
                queue.poll();
                if (q.userAck != null) {
                    q.userAck.done(err, null);
                }
            }
        } else {
            queue.poll();
            if (q.userAck != null) {
                q.userAck.done(null, res);
            }
        }
        q.pending = false;
        drain(false);
    }
}
