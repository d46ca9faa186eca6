package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.protocol.socketio.SocketPacket;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapter's room events, in socket.io-adapter's order and with its rules (issue #17). */
class RoomEventsTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final InMemoryAdapter adapter = new InMemoryAdapter(new AdapterHost() {
        @Override
        public String namespace() {
            return "/";
        }

        @Override
        public LocalSocket socket(String id) {
            return null;
        }

        @Override
        public PreparedPacket prepare(SocketPacket packet) {
            return () -> packet; // no encoder: the packet itself (these tests broadcast nothing)
        }

        @Override
        public int nextAckId() {
            return 0;
        }

        @Override
        public void onServerSideEmit(List<JsonNode> args) {
        }
    });

    private final RoomListener recorder = new RoomListener() {
        @Override
        public void onCreateRoom(String room) {
            events.add("create-room " + room);
        }

        @Override
        public void onDeleteRoom(String room) {
            events.add("delete-room " + room);
        }

        @Override
        public void onJoinRoom(String room, String id) {
            events.add("join-room " + room + " " + id);
        }

        @Override
        public void onLeaveRoom(String room, String id) {
            events.add("leave-room " + room + " " + id);
        }
    };

    @Test
    void joinLeaveAndDisconnectFireTheRoomEventsOfSocketIoAdapter() {
        adapter.addRoomListener(recorder);
        adapter.addAll("a", Set.of("a"));
        adapter.addAll("a", Set.of("r"));
        adapter.addAll("b", Set.of("r"));
        adapter.addAll("b", Set.of("r")); // already in it: nothing
        assertThat(events).containsExactly("create-room a", "join-room a a", "create-room r", "join-room r a",
                "join-room r b");
        events.clear();

        adapter.del("a", "r");
        adapter.del("a", "r"); // not in it any more: nothing
        adapter.del("a", "unknown");
        assertThat(events).containsExactly("leave-room r a");
        events.clear();

        adapter.delAll("b");
        adapter.delAll("a");
        assertThat(events).containsExactly("leave-room r b", "delete-room r", "leave-room a a", "delete-room a");
    }

    @Test
    void aFailingListenerDoesNotBreakTheAdapterOrTheOthersAndListenersCanBeRemoved() {
        adapter.addRoomListener(new RoomListener() {
            @Override
            public void onJoinRoom(String room, String id) {
                throw new IllegalStateException("boom");
            }
        });
        adapter.addRoomListener(recorder);
        adapter.addAll("a", Set.of("r"));
        assertThat(events).containsExactly("create-room r", "join-room r a");
        assertThat(adapter.socketRooms("a")).containsExactly("r");

        adapter.removeRoomListener(recorder);
        adapter.delAll("a");
        assertThat(events).hasSize(2);
        assertThat(adapter.rooms()).isEmpty();
    }
}
