package dev.duplex.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/** The acknowledgements a {@link Socket} waits for: ids, timers, answers, failures on disconnection. */
final class SocketAcks {
    /** Internal acknowledgement callback: an error, or the answer's arguments. Runs on the loop. */
    interface Handler {
        void done(DuplexClientException err, List<JsonNode> args);
    }

    private record Pending(Handler handler, boolean withError, ScheduledFuture<?> timer) {
    }

    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Pending> acks = new ConcurrentHashMap<>();

    int nextId() {
        return ids.getAndIncrement();
    }

    /**
     * Waits for the answer to {@code ackId}. With a timeout, the handler gets socket.io's "operation has timed out"
     * error when it expires ({@code onTimeout} runs first, on the loop, e.g. to drop the buffered packet).
     */
    void register(int ackId, Handler handler, Duration timeout, boolean withError, EventLoop loop,
            Runnable onTimeout) {
        if (timeout == null) {
            acks.put(ackId, new Pending(handler, withError, null));
            return;
        }
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (acks.remove(ackId) == null) {
                return;
            }
            onTimeout.run();
            handler.done(new DuplexClientException(DuplexClientException.Kind.TIMEOUT, "operation has timed out",
                    null), null);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        acks.put(ackId, new Pending(handler, true, timer));
    }

    /** An ACK packet from the server. */
    void onAck(JsonNode data, Integer ackId) {
        if (ackId == null) {
            return;
        }
        Pending a = acks.remove(ackId);
        if (a == null) {
            return;
        }
        if (a.timer != null) {
            a.timer.cancel(false);
        }
        List<JsonNode> res = new ArrayList<>();
        if (data != null) {
            data.forEach(res::add);
        }
        a.handler.done(null, res);
    }

    /** On disconnection: fails the acknowledgements of packets already sent (not those still buffered). */
    void clear(IntPredicate buffered) {
        for (Iterator<Map.Entry<Integer, Pending>> it = acks.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, Pending> e = it.next();
            if (!buffered.test(e.getKey())) {
                it.remove();
                Pending a = e.getValue();
                if (a.timer != null) {
                    a.timer.cancel(false);
                }
                if (a.withError) {
                    a.handler.done(new DuplexClientException(DuplexClientException.Kind.DISCONNECTED,
                            "socket has been disconnected", null), null);
                }
            }
        }
    }

    /** Fails the acknowledgements whose timers die with the manager's threads. */
    void failTimed() {
        for (Iterator<Map.Entry<Integer, Pending>> it = acks.entrySet().iterator(); it.hasNext();) {
            Pending a = it.next().getValue();
            if (a.timer != null) {
                it.remove();
                a.timer.cancel(false);
                a.handler.done(new DuplexClientException(DuplexClientException.Kind.DISCONNECTED,
                        "the client was closed before the answer came", null), null);
            }
        }
    }
}
