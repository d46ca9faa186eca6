package dev.duplex.engine;

import static dev.duplex.engine.EngineHarness.BASE;
import static dev.duplex.engine.EngineHarness.get;
import static dev.duplex.engine.EngineHarness.json;
import static dev.duplex.engine.EngineHarness.post;
import static dev.duplex.engine.EngineHarness.sidOf;
import static dev.duplex.engine.EngineHarness.sidUri;
import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.engine.EngineHarness.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** engine.io's generateId: custom session ids, and the refusal of ids that would break a session. */
class GenerateIdTest {

    @Test
    void theGeneratorNamesTheSessionAndSeesTheRequest() {
        AtomicInteger n = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        Function<EngineRequest, String> gen = req -> {
            seen.add(req.query("node"));
            return "node-" + req.query("node") + "." + n.incrementAndGet();
        };
        try (EngineHarness h = new EngineHarness(EngineOptions.builder().generateId(gen).build())) {
            Resp open = h.exchange(get(BASE + "&node=a"));
            assertThat(open.status).isEqualTo(200);
            String sid = sidOf(open.text());
            assertThat(sid).isEqualTo("node-a.1");
            assertThat(h.sockets).extracting(EngineSocket::id).containsExactly("node-a.1");
            assertThat(seen).containsExactly("a");
            // the session works under that id
            assertThat(h.exchange(post(sidUri(sid), "4hello")).status).isEqualTo(200);
            assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("4hello");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a&b", "caf\u00e9", "semi;colon"})
    void invalidIdsAreRefused(String bad) {
        List<ConnectionError> errors = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(EngineOptions.builder().generateId(req -> bad).build())) {
            h.server.onConnectionError(errors::add);
            Resp r = h.exchange(get(BASE));
            assertThat(r.status).isEqualTo(400);
            assertThat(r.text()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
            assertThat(h.sockets).isEmpty();
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).context()).containsEntry("name", "ID_GENERATION_ERROR");
            assertThat(errors.get(0).context().get("error")).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void nullTooLongAndThrowingGeneratorsAreRefused() {
        RuntimeException boom = new IllegalArgumentException("no id for you");
        List<Function<EngineRequest, String>> gens = List.of(req -> null, req -> "x".repeat(129), req -> {
            throw boom;
        });
        for (Function<EngineRequest, String> gen : gens) {
            List<ConnectionError> errors = new ArrayList<>();
            try (EngineHarness h = new EngineHarness(EngineOptions.builder().generateId(gen).build())) {
                h.server.onConnectionError(errors::add);
                assertThat(h.exchange(get(BASE)).status).isEqualTo(400);
                assertThat(h.sockets).isEmpty();
                assertThat(errors).singleElement().satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ConnectionError.BAD_REQUEST);
                    assertThat(e.context()).containsEntry("name", "ID_GENERATION_ERROR");
                });
            }
        }
        // 128 characters is the longest id taken
        try (EngineHarness h = new EngineHarness(EngineOptions.builder().generateId(req -> "y".repeat(128)).build())) {
            assertThat(sidOf(h.exchange(get(BASE)).text())).hasSize(128);
        }
    }

    @Test
    void anIdOfALiveSessionIsRefusedAndTheSessionKept() {
        try (EngineHarness h = new EngineHarness(EngineOptions.builder().generateId(req -> "same").build())) {
            assertThat(h.handshake()).isEqualTo("same");
            Resp second = h.exchange(get(BASE));
            assertThat(second.status).isEqualTo(400);
            assertThat(json(second.text()).get("code").asInt()).isEqualTo(3);
            assertThat(h.sockets).hasSize(1);
            assertThat(h.exchange(post(sidUri("same"), "4still")).status).isEqualTo(200);
            assertThat(h.events).contains("message:still");
        }
    }

    @Test
    void theStartUpWarmUpDoesNotCallTheGenerator() {
        AtomicInteger calls = new AtomicInteger();
        EngineServer server = EngineServer.create(EngineOptions.builder()
                .generateId(req -> "g" + calls.incrementAndGet()).build());
        try {
            TestPorts.start(server);
            assertThat(calls.get()).isZero();
            assertThat(server.clientsCount()).isZero();
        } finally {
            server.close();
        }
    }

    @Test
    void theDefaultIdsAreRandomAndUrlSafe() {
        try (EngineHarness h = new EngineHarness()) {
            String a = h.handshake();
            String b = h.handshake();
            assertThat(a).hasSize(24).isNotEqualTo(b);
            assertThat(EngineHttpHandler.validCustomId(a)).isTrue();
            assertThat(EngineHttpHandler.validCustomId("a.b-c_d~E9")).isTrue();
            assertThat(EngineHttpHandler.validCustomId("a/b")).isFalse();
        }
    }
}
