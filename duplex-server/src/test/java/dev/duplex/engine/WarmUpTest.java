package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The start-up warm-up runs no application code and starts whatever the transports. */
class WarmUpTest {
    @Test
    void theWarmUpRunsNoApplicationCodeWithEitherTransportAlone() {
        for (Set<String> transports : List.of(Set.of("polling"), Set.of("websocket"), Set.of("polling", "websocket"))) {
            AtomicInteger allowCalls = new AtomicInteger();
            List<String> connections = new CopyOnWriteArrayList<>();
            EngineServer server = EngineServer.create(EngineOptions.builder().transports(transports)
                    .allowRequest(r -> {
                        allowCalls.incrementAndGet();
                        return CompletableFuture.completedFuture(true);
                    }).build());
            server.onConnection(s -> connections.add(s.id()));
            server.before((ctx, req) -> {
                connections.add("request " + req.uri());
                return false;
            });
            try {
                TestPorts.start(server);
                assertThat(server.port()).isPositive();
                assertThat(allowCalls).hasValue(0);
                assertThat(connections).isEmpty();
                assertThat(server.clientsCount()).isZero();
            } finally {
                server.close();
            }
        }
    }
}
