/**
 * The adapter SPI, in the image of socket.io-adapter: an {@link dev.duplex.adapter.Adapter} per namespace keeps the
 * rooms and delivers broadcasts, reaching the namespace's local sockets only through
 * {@link dev.duplex.adapter.AdapterHost} and {@link dev.duplex.adapter.LocalSocket}.
 * {@link dev.duplex.adapter.InMemoryAdapter} is the default (a cluster of one); a cluster adapter extends it or
 * implements the interface and forwards non-{@code local} operations to the other servers. For connection state
 * recovery an adapter keeps the sessions of disconnected sockets and the recent broadcasts
 * ({@link dev.duplex.adapter.Adapter#persistSession}, {@link dev.duplex.adapter.Adapter#restoreSession}); the
 * in-memory adapter does so within {@link dev.duplex.adapter.RecoveryLimits}.
 */
package dev.duplex.adapter;
