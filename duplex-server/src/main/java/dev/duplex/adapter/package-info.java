/**
 * The adapter SPI, in the image of socket.io-adapter: an {@link dev.duplex.adapter.Adapter} per namespace keeps the
 * rooms and delivers broadcasts, reaching the namespace's local sockets only through
 * {@link dev.duplex.adapter.AdapterHost} and {@link dev.duplex.adapter.LocalSocket}.
 * {@link dev.duplex.adapter.InMemoryAdapter} is the default (a cluster of one); a cluster adapter extends it or
 * implements the interface and forwards non-{@code local} operations to the other servers.
 */
package dev.duplex.adapter;
