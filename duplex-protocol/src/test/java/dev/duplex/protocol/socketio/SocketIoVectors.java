package dev.duplex.protocol.socketio;

import java.util.List;
import java.util.Set;

/** Test vectors shared by the decoder unit test and the socket.io-parser interop test. */
final class SocketIoVectors {
    private SocketIoVectors() {
    }

    /** Packet strings the decoder must reject, each for its own reason. */
    static List<String> rejected() {
        return REJECTED;
    }

    /**
     * Rejected here but accepted by socket.io-parser 4.2, on purpose: the contract asks for an EVENT payload that is
     * a non-empty array, an ACK with an id and an array, a CONNECT_ERROR with an object or string, ack ids that fit
     * an int, and attachment counts made of digits only.
     */
    static final Set<String> STRICTER_THAN_SOCKET_IO = Set.of(
            "", "2", "2 ", "22147483648[\"a\"]", "299999999999999999999999[\"a\"]", "3[]", "3", "35", "4", "442",
            "5+1-[\"a\"]", "61-[{\"_placeholder\":true,\"num\":0}]");

    private static final List<String> REJECTED = List.of(
            "", // empty
            "abc", // unknown type (the suite sends 4abc: message "abc")
            "7", // unknown type
            "9", // unknown type
            "x[\"a\"]", // unknown type
            "4abc", // CONNECT_ERROR with invalid JSON
            "2{}", // event payload is not an array (the suite's 42{})
            "2abc[\"a\"]", // garbage before the array (the suite's 42abc...)
            "2[]", // empty event array
            "2[{}]", // event name is an object
            "2[null]", // event name is null
            "2[true]", // event name is a boolean
            "2[[\"a\"]]", // event name is an array
            "2", // event without payload
            "2\"str\"", // event payload is a string
            "2[\"connect\"]", // reserved names
            "2[\"connect_error\"]",
            "2[\"disconnect\"]",
            "2[\"disconnecting\"]",
            "2[\"newListener\"]",
            "2[\"removeListener\"]",
            "2/nsp,x[\"a\"]", // garbage where the id would be
            "2,[\"a\"]", // comma without a namespace
            "2[\"a\"] x", // trailing garbage
            "2[\"a\"]]", // trailing bracket
            "2[\"a\"][\"b\"]", // two JSON values
            "2[\"a\"", // truncated JSON
            "2[\"a\",]", // invalid JSON
            "2['a']", // invalid JSON
            "2-1[\"a\"]", // negative id
            "22147483648[\"a\"]", // id above Integer.MAX_VALUE
            "299999999999999999999999[\"a\"]", // id far too large
            "2 ", // whitespace only payload
            "3[]", // ack without id
            "3", // ack without id nor payload
            "35", // ack without payload
            "35{}", // ack payload not an array
            "35\"x\"", // ack payload a string
            "0\"str\"", // connect payload a string
            "0[]", // connect payload an array
            "0null", // connect payload null
            "0true", // connect payload a boolean
            "01.5", // connect with id 1 and payload .5 (invalid JSON)
            "1{}", // disconnect with payload
            "1/custom,[]", // disconnect with payload
            "4", // connect error without payload
            "4[]", // connect error payload an array
            "442", // connect error with an id and no payload
            "5[\"a\"]", // binary without attachment count
            "5-[\"a\"]", // binary with empty attachment count
            "5x-[\"a\"]", // non-numeric attachment count
            "51[\"a\"]", // missing '-'
            "51", // missing '-' at the end
            "5+1-[\"a\"]", // signed attachment count
            "511-[\"a\"]", // over maxAttachments (10)
            "599999999999999999999999-[\"a\"]", // attachment count overflow
            "51-{}", // binary event payload not an array
            "51-[\"disconnect\"]", // binary event with reserved name
            "51-[]", // binary event empty array
            "61-[" + "{\"_placeholder\":true,\"num\":0}" + "]", // binary ack without id
            // from socket.io-parser's own test suite
            "442[\"some\",\"data\"", // truncated JSON after an id
            "0/admin,\"invalid\"", // connect payload a string, in a namespace
            "1/admin,{}", // disconnect with payload, in a namespace
            "2/admin,\"invalid", // unterminated string
            "2/admin,{}", // event payload an object, in a namespace
            "2[{\"toString\":\"foo\"}]", // event name an object
            "2[true,\"foo\"]", // event name a boolean
            "2[null,\"bar\"]", // event name null
            "2[\"disconnect\",\"123\"]", // reserved name with arguments
            "5", // binary without count
            "5a-", // letter count
            "51.23-", // fractional count
            "999", // unknown type 9
            "50-[\"a\"]", // zero attachments (socket.io-parser 4.2.7 wants at least one)
            "50-[\"a\"," + "{\"_placeholder\":true,\"num\":0}" + "]" // placeholder but no attachment announced
    );
}
