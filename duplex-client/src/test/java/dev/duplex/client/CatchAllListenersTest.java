package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatchAllListenersTest {
    @Test
    void theJavaClientFormGetsTheEventNameFirstAndIsRemovedByTheSameListener() {
        CatchAllListeners l = new CatchAllListeners();
        List<String> seen = new ArrayList<>();
        Listener java = args -> seen.add(Arrays.toString(args));
        l.add(java);
        l.add((event, args) -> seen.add(event + " " + Arrays.toString(args)));
        l.snapshot("chat", new Object[] {1, "a"}, e -> { }).run();
        assertThat(seen).containsExactly("[chat, 1, a]", "chat [1, a]");

        l.remove(java);
        seen.clear();
        l.snapshot("chat", new Object[0], e -> { }).run();
        assertThat(seen).containsExactly("chat []");
        l.remove((AnyListener) null);
        assertThat(l.isEmpty()).isTrue();
    }

    @Test
    void aSnapshotKeepsTheListenersOfItsTimeAndReportsEachFailure() {
        CatchAllListeners l = new CatchAllListeners();
        List<String> seen = new ArrayList<>();
        l.add((event, args) -> {
            throw new IllegalStateException("first");
        });
        l.add((event, args) -> seen.add(event));
        List<String> failures = new ArrayList<>();
        Runnable call = l.snapshot("e", new Object[0], e -> failures.add(e.getMessage()));
        l.clear();
        call.run();
        assertThat(seen).containsExactly("e");
        assertThat(failures).containsExactly("first");
    }
}
