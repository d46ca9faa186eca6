/**
 * The Socket.IO v5 packet codec, the equivalent of the npm {@code socket.io-parser}: pure, no I/O.
 *
 * <p>{@link dev.duplex.protocol.socketio.SocketIoEncoder} (thread-safe, share one) turns a
 * {@link dev.duplex.protocol.socketio.SocketPacket} into an {@link dev.duplex.protocol.socketio.EncodedPacket}: the
 * packet string to send as an Engine.IO text message, then each binary attachment as a binary Engine.IO message.
 * {@link dev.duplex.protocol.socketio.SocketIoDecoder} (one per connection) does the reverse and throws
 * {@link dev.duplex.protocol.socketio.SocketProtocolException} on anything socket.io-parser rejects; the connection
 * should then be closed with the reason "parse error".
 */
package dev.duplex.protocol.socketio;
