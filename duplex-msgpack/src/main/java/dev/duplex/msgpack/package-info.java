/**
 * The packet format of the npm {@code socket.io-msgpack-parser} (3.x) for Duplex: {@link dev.duplex.msgpack.MsgpackParser}.
 *
 * <p>Give it to the server with {@code ServerOptions.builder().parser(MsgpackParser.instance())} and to the Java
 * client with {@code IoOptions.builder().parser(MsgpackParser.instance())}; browsers use the served bundle
 * {@code socket.io.msgpack.min.js}. Every packet is one binary Engine.IO message holding a msgpack map
 * {@code {type, data, nsp, id}}; binary arguments are msgpack {@code bin} values, so there are no attachments.
 */
package dev.duplex.msgpack;
