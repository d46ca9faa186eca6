/**
 * The Socket.IO v5 server (socket.io 4.x compatible): {@link dev.duplex.server.SocketIoServer} (threading model in
 * its Javadoc), {@link dev.duplex.server.Namespace}, {@link dev.duplex.server.Socket}, broadcast operators, connection
 * and packet middlewares, acknowledgements. Built on the Engine.IO layer {@code dev.duplex.engine} and the packet
 * codec {@code dev.duplex.protocol.socketio}; rooms and broadcasts go through {@link dev.duplex.adapter.Adapter}.
 */
package dev.duplex.server;
