package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener registry of a socket ({@link SocketListeners}, copy on write, lists made on first use): handlers in
 * the order added, {@code off} of one handler or of an event, catch-all listeners prepended or appended and
 * removed, lifecycle listeners, all seen from a raw client.
 */
class SocketListenersTest {
    private SocketIoServer io;
    private RawEngineClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (io != null) {
            io.close();
        }
    }

    private Socket connect() throws Exception {
        CompletableFuture<Socket> connected = new CompletableFuture<>();
        io = TestServers.start(ServerOptions.defaults());
        io.onConnection(connected::complete);
        client = RawEngineClient.connected(io.port(), "/");
        return connected.get(10, TimeUnit.SECONDS);
    }

    @Test
    void handlersRunInOrderAndOffRemovesOneOrAll() throws Exception {
        Socket socket = connect();
        List<String> calls = new CopyOnWriteArrayList<>();
        EventHandler first = (args, ack) -> calls.add("first " + args.get(0).asInt());
        EventHandler second = (args, ack) -> calls.add("second " + args.get(0).asInt());
        RequestHandler third = args -> {
            calls.add("third " + args.get(0).asInt());
            return "r" + args.get(0).asInt();
        };
        socket.on("a", first).on("a", second).on("a", third).on("b", first);
        // calls happen on the socket's lane in order: the ack of a request handler marks the end of an event
        client.sendText("420[\"a\",1]");
        client.awaitText(t -> t.equals("430[\"r1\"]"));
        assertThat(calls).containsExactly("first 1", "second 1", "third 1");

        socket.off("a", second);
        socket.off("a", (EventHandler) (args, ack) -> { }); // not registered: nothing happens
        calls.clear();
        client.sendText("421[\"a\",2]");
        client.awaitText(t -> t.equals("431[\"r2\"]"));
        assertThat(calls).containsExactly("first 2", "third 2");

        socket.off("a", third); // found by the handler given, though it was wrapped
        socket.off("a", first); // the last one: the event has none left
        socket.off("b");
        calls.clear();
        socket.on("c", (RequestHandler) args -> "done");
        client.sendText("42[\"a\",3]");
        client.sendText("42[\"b\",3]");
        client.sendText("422[\"c\"]");
        client.awaitText(t -> t.equals("432[\"done\"]"));
        assertThat(calls).isEmpty();
    }

    @Test
    void catchAllListenersArePrependedAppendedAndRemoved() throws Exception {
        Socket socket = connect();
        List<String> calls = new CopyOnWriteArrayList<>();
        AnyListener appended = (event, args) -> calls.add("appended " + event);
        AnyListener prepended = (event, args) -> calls.add("prepended " + event);
        socket.onAny(appended).prependAny(prepended).on("x", (RequestHandler) args -> "ok");
        client.sendText("421[\"x\"]");
        client.awaitText(t -> t.equals("431[\"ok\"]"));
        assertThat(calls).containsExactly("prepended x", "appended x");

        socket.offAny(prepended);
        calls.clear();
        client.sendText("422[\"x\"]");
        client.awaitText(t -> t.equals("432[\"ok\"]"));
        assertThat(calls).containsExactly("appended x");

        socket.offAny();
        calls.clear();
        client.sendText("423[\"x\"]");
        client.awaitText(t -> t.equals("433[\"ok\"]"));
        assertThat(calls).isEmpty();

        List<String> outgoing = new CopyOnWriteArrayList<>();
        AnyOutgoingListener out = (event, args) -> outgoing.add(event);
        socket.onAnyOutgoing(out);
        socket.emit("hello", 1);
        client.awaitText(t -> t.equals("42[\"hello\",1]"));
        socket.offAnyOutgoing(out);
        socket.emit("bye");
        client.awaitText(t -> t.equals("42[\"bye\"]"));
        assertThat(outgoing).containsExactly("hello");
    }

    @Test
    void middlewaresAndLifecycleListenersAddedAfterConnecting() throws Exception {
        Socket socket = connect();
        List<String> calls = new CopyOnWriteArrayList<>();
        socket.use((packet, next) -> {
            calls.add("middleware " + packet.event());
            next.accept(null);
        });
        socket.on("y", (RequestHandler) args -> "ok");
        socket.onDisconnecting(reason -> calls.add("disconnecting " + reason + " " + socket.rooms().size()));
        socket.onDisconnect(reason -> calls.add("disconnect " + reason));
        socket.on("disconnect", (List<JsonNode> args, Ack ack) -> calls.add("disconnect event " + args.get(0).asText()));
        client.sendText("421[\"y\"]");
        client.awaitText(t -> t.equals("431[\"ok\"]"));
        assertThat(calls).containsExactly("middleware y");

        calls.clear();
        client.sendText("41");
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 3);
        assertThat(calls).containsExactly("disconnecting client namespace disconnect 1",
                "disconnect client namespace disconnect", "disconnect event client namespace disconnect");
    }
}
