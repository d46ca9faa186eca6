package dev.duplex.bench.load;

import dev.duplex.bench.load.Scenarios.Result;
import dev.duplex.bench.load.Scenarios.Server;
import dev.duplex.bench.load.Scenarios.Settings;
import java.time.Duration;

/**
 * The official socket.io-client as the load ({@code client-ws}, {@code client-default}): {@code fixedClients}
 * clients in one Node process, closed loop; messages per server CPU-second after the warm-up of
 * {@link Scenarios#settle}.
 */
final class OfficialClientScenario {
    private OfficialClientScenario() {
    }

    static Result run(Server server, Settings s, boolean websocketOnly) {
        String missing = OfficialClientLoad.missing();
        if (missing != null) {
            throw new IllegalStateException("socket.io-client load cannot run: " + missing);
        }
        Result r = new Result();
        String what = websocketOnly ? "socket.io-client (WebSocket)" : "socket.io-client (polling, then upgrade)";
        try (OfficialClientLoad client = new OfficialClientLoad(server.address(), s.fixedClients(), websocketOnly)) {
            try {
                client.await("READY ", Duration.ofSeconds(15));
            } catch (IllegalStateException e) {
                long[] m = client.mark();
                throw new IllegalStateException(what + ": only " + m[3] + " of " + s.fixedClients()
                        + " clients connected" + (websocketOnly ? "" : " and upgraded") + " within 15 s (" + m[1]
                        + " errors, " + m[2] + " on WebSocket)", e);
            }
            WarmUp.Settled<ClientWindow> warm = Scenarios.settle(server, s, s.fixedWarmup(), what, r, () -> {
                long[] a = client.mark();
                Window cw = Window.open(server.pid());
                java.util.Map<Long, Long> c0 = ProcStat.threadNanos(client.pid());
                Scenarios.sleep(s.window());
                java.util.Map<Long, Long> c1 = ProcStat.threadNanos(client.pid());
                cw.close();
                return new ClientWindow(cw, a, client.mark(), ProcStat.cpuSecondsBetween(c0, c1));
            }, ClientWindow::jitPercent);
            Window w = warm.window().window();
            long[] b = warm.window().end();
            long n = b[0] - warm.window().start()[0];
            if (n <= 0) {
                throw new IllegalStateException(what + ": nothing completed in the window");
            }
            double clientCores = warm.window().clientCpu() / w.seconds;
            r.values().put(websocketOnly ? Metric.SIO_WS_PER_CPU : Metric.SIO_POLL_PER_CPU, n / w.serverCpu);
            r.values().put(websocketOnly ? Metric.SIO_WS_RATE : Metric.SIO_POLL_RATE, n / w.seconds);
            r.values().put(websocketOnly ? Metric.SIO_WS_CLIENT_CORES : Metric.SIO_POLL_CLIENT_CORES, clientCores);
            r.values().put(websocketOnly ? Metric.SIO_WS_WARMUP : Metric.SIO_POLL_WARMUP, warm.seconds());
            r.values().put(websocketOnly ? Metric.SIO_WS_JIT_SHARE : Metric.SIO_POLL_JIT_SHARE,
                    100 * w.jitCpu / w.serverCpu);
            if (b[1] > 0) {
                r.notes().add(what + ": ERROR: " + b[1] + " errors (wrong ack payload, connect errors or "
                        + "disconnects)");
            }
            if (b[2] < s.fixedClients()) {
                r.notes().add(what + ": only " + b[2] + " of " + s.fixedClients() + " clients on WebSocket");
            }
            Scenarios.noteJit(r, what, w);
        }
        return r;
    }

    /** A window of the official client's load: the server's window, the client's counters, its CPU seconds. */
    private record ClientWindow(Window window, long[] start, long[] end, double clientCpu) {
        double jitPercent() {
            return window.jitPercent();
        }
    }
}
