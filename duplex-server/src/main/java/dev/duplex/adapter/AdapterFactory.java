package dev.duplex.adapter;

/** Creates one {@link Adapter} per namespace. */
@FunctionalInterface
public interface AdapterFactory {

    /** Creates the adapter of the namespace behind {@code host}. */
    Adapter create(AdapterHost host);

    /** The default factory: an {@link InMemoryAdapter} per namespace. */
    static AdapterFactory inMemory() {
        return InMemoryAdapter::new;
    }

    /** An {@link InMemoryAdapter} per namespace, keeping at most {@code limits} for connection state recovery. */
    static AdapterFactory inMemory(RecoveryLimits limits) {
        java.util.Objects.requireNonNull(limits, "limits");
        return host -> new InMemoryAdapter(host, limits);
    }
}
