package dev.duplex.spring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.client.IO;
import dev.duplex.client.IoOptions;
import dev.duplex.server.Ack;
import dev.duplex.server.ConnectionRefusedException;
import dev.duplex.server.Handshake;
import dev.duplex.server.Socket;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.TestCertificate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The annotation model on a namespace, with Duplex's Java client. */
class AnnotatedHandlersTest {
    /** A controller of "/shop" using every kind of parameter and return value. */
    @SocketIoController("shop")
    static class ShopController {
        record Item(String name, int quantity) {
        }

        final List<String> log = new CopyOnWriteArrayList<>();

        @Middleware(order = 2)
        boolean open(Handshake handshake) {
            log.add("middleware 2");
            return !handshake.query().containsKey("closed");
        }

        @Middleware(order = 1)
        void first(Socket socket) throws ConnectionRefusedException {
            log.add("middleware 1");
            if (socket.handshake().query().containsKey("banned")) {
                throw new ConnectionRefusedException("banned", Map.of("until", "never"));
            }
        }

        @OnConnect
        void connected(Socket socket, Handshake handshake) {
            log.add("connect " + socket.nsp().name() + " " + (handshake != null));
        }

        @OnEvent("add")
        Item add(Item item, int times) {
            return new Item(item.name(), item.quantity() * times);
        }

        @OnEvent("list")
        CompletionStage<List<Item>> list(List<Item> items) {
            return CompletableFuture.supplyAsync(() -> items.subList(0, 1));
        }

        @OnEvent("manual")
        void manual(Ack ack, Socket socket, String text) {
            ack.send(text.toUpperCase(), socket.nsp().name());
        }

        @OnEvent("missing")
        String missing(Item item, int count) {
            return item + "/" + count;
        }

        @OnDisconnect
        void disconnected(String reason, Socket socket) {
            log.add("disconnect " + reason);
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DuplexMetricsAutoConfiguration.class,
                    DuplexAutoConfiguration.class))
            .withPropertyValues("duplex.port=0", "duplex.address=127.0.0.1")
            .withBean(ShopController.class);

    private static dev.duplex.client.Socket client(int port, String query) {
        IoOptions.Builder b = IoOptions.builder().forceNew(true).reconnection(false).transports("websocket");
        if (query != null) {
            b.query(query, "1");
        }
        return IO.socket("http://127.0.0.1:" + port + "/shop", b.build());
    }

    private static CompletableFuture<Object> connect(dev.duplex.client.Socket socket) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        socket.on("connect", args -> f.complete("connected"));
        socket.on("connect_error", args -> f.complete(args[0]));
        socket.connect();
        return f;
    }

    @Test
    void eventsMiddlewaresAndLifecycle() {
        runner.run(context -> {
            int port = context.getBean(SocketIoServer.class).port();
            ShopController shop = context.getBean(ShopController.class);
            dev.duplex.client.Socket client = client(port, null);
            try {
                assertThat(connect(client).get(20, TimeUnit.SECONDS)).isEqualTo("connected");
                // as in socket.io, the CONNECT reply goes out before the connection handlers run
                await().atMost(Duration.ofSeconds(20)).until(() -> shop.log.size() >= 3);
                assertThat(shop.log).containsExactly("middleware 1", "middleware 2", "connect /shop true");

                // a record and a primitive argument, the returned record as the ack
                List<JsonNode> added = client.emitWithAck("add", Map.of("name", "pen", "quantity", 2), 3)
                        .get(20, TimeUnit.SECONDS);
                assertThat(added.get(0).path("name").asText()).isEqualTo("pen");
                assertThat(added.get(0).path("quantity").asInt()).isEqualTo(6);
                // a generic collection argument, a CompletionStage answered when it completes
                List<JsonNode> listed = client.emitWithAck("list",
                        List.of(Map.of("name", "a", "quantity", 1), Map.of("name", "b", "quantity", 2)))
                        .get(20, TimeUnit.SECONDS);
                assertThat(listed.get(0).size()).isEqualTo(1);
                assertThat(listed.get(0).get(0).path("name").asText()).isEqualTo("a");
                // the Ack parameter, sent by the method itself
                List<JsonNode> manual = client.emitWithAck("manual", "hello").get(20, TimeUnit.SECONDS);
                assertThat(manual).hasSize(2);
                assertThat(manual.get(0).asText()).isEqualTo("HELLO");
                assertThat(manual.get(1).asText()).isEqualTo("/shop");
                // missing arguments: null and the primitive's zero
                List<JsonNode> missing = client.emitWithAck("missing").get(20, TimeUnit.SECONDS);
                assertThat(missing.get(0).asText()).isEqualTo("null/0");
            } finally {
                client.disconnect();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> shop.log.contains("disconnect client namespace disconnect"));

            // refusals: an exception (message and data reach the client), a false return
            dev.duplex.client.Socket banned = client(port, "banned");
            try {
                Object error = connect(banned).get(20, TimeUnit.SECONDS);
                assertThat(error).isInstanceOf(Exception.class);
                assertThat(((Exception) error).getMessage()).contains("banned");
            } finally {
                banned.close();
            }
            dev.duplex.client.Socket closed = client(port, "closed");
            try {
                Object error = connect(closed).get(20, TimeUnit.SECONDS);
                assertThat(((Exception) error).getMessage()).contains("not authorized");
            } finally {
                closed.close();
            }
        });
    }

    @Test
    void tlsFromProperties() {
        TestCertificate cert = TestCertificate.create();
        runner.withPropertyValues("duplex.ssl.certificate=" + cert.certificatePem(),
                "duplex.ssl.private-key=" + cert.privateKeyPem()).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SocketIoServer.class).options().ssl()).isNotNull();
                });
        runner.withPropertyValues("duplex.ssl.certificate=" + cert.certificatePem()).run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("duplex.ssl needs both"));
    }
}
