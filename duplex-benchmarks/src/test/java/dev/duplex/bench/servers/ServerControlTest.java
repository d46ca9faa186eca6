package dev.duplex.bench.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.duplex.engine.IoTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JVM contenders' transport comes from duplex.bench.transport, else Duplex's default. */
class ServerControlTest {
    @AfterEach
    void clear() {
        System.clearProperty("duplex.bench.transport");
    }

    @Test
    void withoutThePropertyTheContendersTakeDuplexsDefault() {
        assumeTrue(System.getenv("DUPLEX_BENCH_TRANSPORT") == null, "DUPLEX_BENCH_TRANSPORT is set");
        assertThat(ServerControl.transport()).isEqualTo(IoTransport.AUTO);
    }

    @Test
    void thePropertyNamesTheTransport() {
        System.setProperty("duplex.bench.transport", "epoll");
        assertThat(ServerControl.transport()).isEqualTo(IoTransport.EPOLL);
        System.setProperty("duplex.bench.transport", "io-uring");
        assertThat(ServerControl.transport()).isEqualTo(IoTransport.IO_URING);
        System.setProperty("duplex.bench.transport", " NIO ");
        assertThat(ServerControl.transport()).isEqualTo(IoTransport.NIO);
        System.setProperty("duplex.bench.transport", "kqueue");
        assertThatThrownBy(ServerControl::transport).isInstanceOf(IllegalArgumentException.class);
    }
}
