package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Base of every scenario's load: opens connections with a bound on how many are in flight, counts failures and
 * unexpected closes, and owns the latency histogram. All fields are touched only on the generator thread.
 */
abstract class Load implements ConnectionListener {
    /**
     * A hard bound on the work of one scenario (messages, emits or connections), far above what its time window
     * allows, so that a run stops by itself even if a clock misbehaves.
     */
    static final long MAX_OPERATIONS = 50_000_000L;

    final LoadGenerator gen;
    final List<WsConnection> conns = new ArrayList<>();
    final Histogram histogram = new Histogram(60_000_000_000L, 3);
    boolean recording;
    boolean stopping;
    long completed;
    long errors;
    String lastError;
    private int toStart;
    private int inFlight;
    private int maxInFlight;
    int connected;
    int failed;
    /** Join acks received ({@link #joinAll}). */
    long joined;
    private CompletableFuture<Void> allConnected = new CompletableFuture<>();

    Load(LoadGenerator gen) {
        this.gen = gen;
    }

    /** Opens {@code n} connections, at most {@code maxInFlight} at once, and waits until all are answered. */
    void connectAll(int n, int maxInFlight, long timeoutSeconds) {
        gen.onLoop(() -> {
            this.allConnected = new CompletableFuture<>();
            this.toStart = n;
            this.maxInFlight = maxInFlight;
            pump();
            return null;
        });
        try {
            allConnected.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            int[] counts = gen.onLoop(() -> new int[] {connected, failed});
            throw new IllegalStateException("only " + counts[0] + " of " + n + " connections (" + counts[1]
                    + " failed) within " + timeoutSeconds + " s; last error: " + lastError);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        int f = gen.onLoop(() -> failed);
        if (f > 0) {
            throw new IllegalStateException(f + " of " + n + " connections failed; last error: " + lastError);
        }
    }

    private void pump() {
        while (toStart > 0 && inFlight < maxInFlight) {
            toStart--;
            inFlight++;
            conns.add(open());
        }
        if (toStart == 0 && inFlight == 0) {
            allConnected.complete(null);
        }
    }

    /** Opens one connection for {@link #connectAll} (on the generator thread). */
    WsConnection open() {
        return gen.connect(this);
    }

    @Override
    public void onConnected(WsConnection c) {
        inFlight--;
        connected++;
        pump();
    }

    @Override
    public void onClosed(WsConnection c, Throwable cause) {
        if (!c.wasConnected()) {
            inFlight--;
            failed++;
            lastError = String.valueOf(cause);
            pump();
        } else if (!stopping) {
            errors++;
            lastError = cause == null ? "server closed a connection" : cause.toString();
        }
    }

    @Override
    public void onAck(WsConnection c, long id, ByteBuf frame, int argsStart) {
        errors++;
        lastError = "unexpected ACK";
    }

    @Override
    public void onEvent(WsConnection c, ByteBuf frame, int argsStart) {
        errors++;
        lastError = "unexpected EVENT: " + frame.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Every connection joins {@code room} (an event {@code join(room)} with ack id 0); waits for all join acks
     * (counted by {@link #joinAcked}, which the load's {@code onAck} must call).
     */
    void joinAll(String room, long timeoutSeconds) {
        gen.onLoop(() -> {
            for (WsConnection c : conns) {
                c.sentAt = new long[1];
                String join = "42" + (c.nextAckId++) + "[\"join\",\"" + room + "\"]";
                c.sendText(join.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (gen.onLoop(() -> joined) < conns.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + gen.onLoop(() -> joined) + " of " + conns.size()
                        + " joins acknowledged; last error: " + lastError);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Whether this ack answers the connection's join (ack id 0, first time); counts it. */
    boolean joinAcked(WsConnection c, long id) {
        if (c.sentAt != null && c.sentAt.length == 1 && id == 0 && c.tag == 0) {
            c.tag = 1;
            joined++;
            return true;
        }
        return false;
    }

    void record(long nanos) {
        if (recording) {
            histogram.recordValue(Math.max(1, nanos));
        }
    }

    /** Stops and closes every connection with RST (from any thread). */
    void closeAll() {
        gen.onLoop(() -> {
            stopping = true;
            for (WsConnection c : conns) {
                c.close();
            }
            return null;
        });
    }

    /** A snapshot of the counters taken on the generator thread. */
    record Snapshot(long completed, long errors, Histogram histogram, String lastError) {
    }

    Snapshot startRecording() {
        return gen.onLoop(() -> {
            histogram.reset();
            recording = true;
            return new Snapshot(completed, errors, null, lastError);
        });
    }

    Snapshot stopRecording() {
        return gen.onLoop(() -> {
            recording = false;
            return new Snapshot(completed, errors, histogram.copy(), lastError);
        });
    }
}
