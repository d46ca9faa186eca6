/**
 * Socket.IO v4 client for the JVM (socket.io-client's API on Netty).
 *
 * <pre>{@code
 * Socket socket = IO.socket("http://localhost:3000/chat", IoOptions.builder()
 *         .auth(Map.of("token", "abc")).build());
 * socket.on("connect", args -> System.out.println("connected as " + socket.id()));
 * socket.on("chat", args -> System.out.println(((JsonNode) args[0]).asText()));
 * socket.onConnectError(err -> System.err.println(err.getMessage() + " " + err.data()));
 * socket.connect();
 * socket.emit("chat", "hello", Map.of("file", new byte[] {1, 2, 3}));
 * List<JsonNode> answer = socket.timeout(Duration.ofSeconds(5)).emitWithAck("echo", "x").get();
 * socket.close(); // no thread of the client is left
 * }</pre>
 *
 * <p>{@link dev.duplex.client.IO} makes {@link dev.duplex.client.Socket}s (one per namespace) over
 * {@link dev.duplex.client.Manager}s (one Engine.IO connection each, polling then WebSocket by default, with
 * reconnection and back-off). Options are {@link dev.duplex.client.IoOptions}; failures are
 * {@link dev.duplex.client.DuplexClientException}s that say what went wrong.
 *
 * <p>Proxies: {@link dev.duplex.client.ProxyOptions} (HTTP CONNECT, SOCKS5, with credentials). Many clients in one
 * JVM share threads through {@code IoOptions.Builder.eventLoopGroup} and {@code eventExecutor}. Code written for
 * socket.io-client-java 2.x finds its names here ({@link dev.duplex.client.IO.Options},
 * {@code Socket.EVENT_CONNECT}, {@link dev.duplex.client.Emitter.Listener}, {@link dev.duplex.client.AckWithTimeout},
 * {@code Manager.EVENT_*}); docs/migration-from-socket.io-client-java.md lists the differences.
 */
package dev.duplex.client;
