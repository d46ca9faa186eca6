package dev.duplex.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.client.Socket;
import dev.duplex.server.SocketIoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fresh app per test: a scripted session checked against {@code /actuator/metrics}, and the context closing
 * while clients are connected.
 */
class ChatMetricsAndShutdownTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private ConfigurableApplicationContext app;
    private NodeDriver node;
    private Socket javaClient;

    private void startApp() {
        app = new SpringApplicationBuilder(ChatApplication.class)
                .run("--duplex.port=0", "--server.port=0", "--server.address=127.0.0.1", "--chat.token=secret");
    }

    @AfterEach
    void tearDown() {
        if (javaClient != null) {
            javaClient.close();
        }
        if (node != null) {
            node.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private int duplexPort() {
        return app.getBean(SocketIoServer.class).port();
    }

    /** The value of a meter's first measurement (COUNT for counters and timers, VALUE for gauges); -1 if absent. */
    private double metric(String name, String... tags) throws Exception {
        StringBuilder url = new StringBuilder("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port")
                + "/actuator/metrics/" + name);
        for (int i = 0; i < tags.length; i++) {
            url.append(i == 0 ? '?' : '&').append("tag=").append(tags[i].replace(" ", "%20").replace("/", "%2F"));
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return -1;
        }
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return NodeDriver.JSON.readTree(r.body()).path("measurements").get(0).path("value").asDouble();
    }

    private double sumOverTransports(String name) throws Exception {
        return Math.max(0, metric(name, "transport:polling")) + Math.max(0, metric(name, "transport:websocket"));
    }

    @Test
    void actuatorMetricsMatchAScriptedSession() throws Exception {
        startApp();
        node = new NodeDriver(duplexPort());
        int clients = 3;
        int messages = 4;
        // connects one after the other (each waits for its "welcome", sent after its "someone connected"
        // broadcast); the third starts on polling and upgrades
        for (int c = 1; c <= clients; c++) {
            String name = "c" + c;
            node.send("connect", "name", name, "auth", Map.of("token", "secret"),
                    "transports", c == 3 ? List.of("polling", "websocket") : List.of("websocket"));
            node.expect("event", name, n -> n.path("event").asText().equals("welcome"));
        }
        node.expect("upgrade", "c3");
        // one refused connection, whose client then closes its Engine.IO connection
        node.send("connect", "name", "bad", "auth", Map.of("token", "wrong"), "closeOnError", true);
        node.expect("connect_error", "bad");
        for (int m = 0; m < messages; m++) {
            for (int c = 1; c <= clients; c++) {
                node.emitAck("c" + c, "m" + m + "-" + c, "chat message", Map.of("text", "message " + m + " ü€"));
            }
        }
        for (int c = 1; c <= clients; c++) {
            String name = "c" + c;
            await().atMost(Duration.ofSeconds(20)).until(() -> node.events(name, "chat message").size()
                    == clients * messages);
        }
        node.send("disconnect", "name", "c1");
        node.expect("event", "c2", n -> n.path("event").asText().equals("user left"));
        node.expect("event", "c3", n -> n.path("event").asText().equals("user left"));

        // what the official clients counted on their side
        long sent = 0;
        long received = 0;
        long sentMessages = 0;
        long receivedMessages = 0;
        for (String name : List.of("c1", "c2", "c3", "bad")) {
            node.send("bytes", "name", name);
            JsonNode b = node.expect("bytes", name);
            sent += b.path("sent").asLong();
            received += b.path("received").asLong();
            sentMessages += b.path("sentMessages").asLong();
            receivedMessages += b.path("receivedMessages").asLong();
        }
        // 4 CONNECT + 3 x 4 events + 1 DISCONNECT
        assertThat(sentMessages).isEqualTo(clients + 1 + (long) clients * messages + 1);

        assertThat(metric("duplex.sockets.connected", "namespace:/")).isEqualTo(clients);
        assertThat(metric("duplex.sockets", "namespace:/")).isEqualTo(clients - 1);
        assertThat(metric("duplex.sockets.disconnected", "namespace:/", "reason:client namespace disconnect"))
                .isEqualTo(1);
        assertThat(metric("duplex.connect.errors", "cause:refused")).isEqualTo(1);
        assertThat(metric("duplex.connections.opened", "transport:websocket")).isEqualTo(3);
        assertThat(metric("duplex.connections.opened", "transport:polling")).isEqualTo(1);
        assertThat(metric("duplex.upgrades")).isEqualTo(1);
        assertThat(sumOverTransports("duplex.packets.in")).isEqualTo(sentMessages);
        assertThat(sumOverTransports("duplex.data.in")).isEqualTo(sent);
        assertThat(sumOverTransports("duplex.packets.out")).isEqualTo(receivedMessages);
        assertThat(sumOverTransports("duplex.data.out")).isEqualTo(received);
        assertThat(metric("duplex.acks.sent")).isEqualTo(clients * messages);
        assertThat(metric("duplex.acks.received")).isZero();
        // "someone connected" x3, "chat message" x12, "user left" x1
        assertThat(metric("duplex.broadcasts")).isEqualTo(clients + clients * messages + 1);
        // 0 + 1 + 2 others, 3 x 12, 2 left
        assertThat(metric("duplex.broadcast.recipients")).isEqualTo(3 + clients * clients * messages + 2);
        assertThat(metric("duplex.handler.queue.delay")).isEqualTo(sentMessages);
        assertThat(metric("duplex.ack.round.trip")).isZero();
        // the same meters in Prometheus' format
        HttpResponse<String> prometheus = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + app.getEnvironment().getProperty("local.server.port") + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("duplex_sockets_connected_total{namespace=\"/\"} 3.0",
                "duplex_acks_sent_total " + (double) (clients * messages),
                "duplex_data_in_bytes_total{transport=\"websocket\"}", "duplex_packets_out_total{transport=\"polling\"}",
                "duplex_connections{transport=\"websocket\"}", "duplex_handler_queue_delay_seconds_count",
                "duplex_ack_round_trip_seconds_count 0");
        // c1's client closed its connection once its last socket left, and "bad" closed its own
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(metric("duplex.connections", "transport:websocket")).isEqualTo(2);
            assertThat(metric("duplex.connections", "transport:polling")).isZero();
            assertThat(metric("duplex.connections.closed", "reason:transport close")).isEqualTo(2);
        });
    }

    @Test
    void closingTheContextDisconnectsTheClientsGracefully() throws Exception {
        startApp();
        ChatController controller = app.getBean(ChatController.class);
        node = new NodeDriver(duplexPort());
        node.connect("carol", Map.of("token", "secret"));
        List<Object[]> events = new CopyOnWriteArrayList<>();
        javaClient = ChatAppTest.javaClient(duplexPort(), "secret", events);
        CompletableFuture<Void> connected = ChatAppTest.connected(javaClient);
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        javaClient.on("disconnect", args -> disconnected.complete(String.valueOf(args[0])));
        javaClient.connect();
        connected.get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> app.getBean(SocketIoServer.class).sockets().sockets().size() == 2);

        app.close();

        assertThat(app.isActive()).isFalse();
        // @OnDisconnect of both sockets saw the shutdown
        assertThat(controller.disconnectReasons()).containsExactly("server shutting down", "server shutting down");
        // both clients got a proper close of their connection (not a ping timeout)
        assertThat(node.expect("disconnect", "carol").path("reason").asText()).isEqualTo("transport close");
        assertThat(disconnected.get(20, TimeUnit.SECONDS)).isEqualTo("transport close");
    }
}
