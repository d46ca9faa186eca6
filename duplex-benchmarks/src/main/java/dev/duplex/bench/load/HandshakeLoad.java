package dev.duplex.bench.load;

/**
 * Connection setup in a closed loop: {@code inFlight} connections are always being set up; each is timed from the
 * TCP connect to the answer of its Socket.IO CONNECT, then reset (RST) and replaced by a new one.
 */
final class HandshakeLoad extends Load {
    private static final long DONE = -1;
    private final int inFlight;
    private int open;
    private long started;

    HandshakeLoad(LoadGenerator gen, int inFlight) {
        super(gen);
        this.inFlight = inFlight;
    }

    void start() {
        gen.onLoop(() -> {
            while (open < inFlight) {
                startOne();
            }
            return null;
        });
    }

    private void startOne() {
        if (++started > MAX_OPERATIONS / 100) {
            stopping = true;
            return;
        }
        long t = System.nanoTime();
        open++;
        WsConnection c = gen.connect(this);
        c.tag = t;
    }

    @Override
    public void onConnected(WsConnection c) {
        completed++;
        record(System.nanoTime() - c.tag);
        c.tag = DONE;
        open--;
        c.close();
        if (!stopping) {
            startOne();
        }
    }

    @Override
    public void onClosed(WsConnection c, Throwable cause) {
        if (c.tag != DONE) {
            c.tag = DONE;
            open--;
            if (!stopping) {
                errors++;
                lastError = String.valueOf(cause);
                startOne();
            }
        }
    }

    /** Stops starting connections (those in flight finish or are reset when the generator closes). */
    void stop() {
        gen.onLoop(() -> {
            stopping = true;
            return null;
        });
    }
}
