package dev.duplex.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Cross-origin settings applied like the {@code cors} npm package that engine.io uses. Immutable; made with
 * {@link #builder()}. Defaults: origin {@code "*"}, methods {@code GET,HEAD,PUT,PATCH,POST,DELETE}, no
 * credentials, allowed headers reflected from the preflight request, no exposed headers, no max age.
 */
public final class CorsOptions {
    private final String origin;
    private final List<String> origins;
    private final Predicate<String> originPredicate;
    private final List<String> methods;
    private final boolean credentials;
    private final List<String> allowedHeaders;
    private final List<String> exposedHeaders;
    private final Duration maxAge;

    private CorsOptions(Builder b) {
        this.origin = b.origin;
        this.origins = b.origins;
        this.originPredicate = b.originPredicate;
        this.methods = b.methods;
        this.credentials = b.credentials;
        this.allowedHeaders = b.allowedHeaders;
        this.exposedHeaders = b.exposedHeaders;
        this.maxAge = b.maxAge;
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Any origin ({@code Access-Control-Allow-Origin: *}). */
    public static CorsOptions allowAll() {
        return builder().origin("*").build();
    }

    /** The fixed origin ({@code "*"} for any), or {@code null} when a list or a predicate is used. */
    public String origin() {
        return origin;
    }

    /** The allowed origins, or {@code null} when not a list. */
    public List<String> origins() {
        return origins;
    }

    /** The origin predicate, or {@code null} when not a predicate. */
    public Predicate<String> originPredicate() {
        return originPredicate;
    }

    /** The methods sent in {@code Access-Control-Allow-Methods} on preflight. */
    public List<String> methods() {
        return methods;
    }

    /** Whether {@code Access-Control-Allow-Credentials: true} is sent. */
    public boolean credentials() {
        return credentials;
    }

    /** The allowed headers; {@code null} reflects the request's {@code Access-Control-Request-Headers}. */
    public List<String> allowedHeaders() {
        return allowedHeaders;
    }

    /** The headers sent in {@code Access-Control-Expose-Headers} (empty: none). */
    public List<String> exposedHeaders() {
        return exposedHeaders;
    }

    /** The preflight {@code Access-Control-Max-Age}, or {@code null}. */
    public Duration maxAge() {
        return maxAge;
    }

    /** Builder of {@link CorsOptions}. */
    public static final class Builder {
        private String origin = "*";
        private List<String> origins;
        private Predicate<String> originPredicate;
        private List<String> methods = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE");
        private boolean credentials;
        private List<String> allowedHeaders;
        private List<String> exposedHeaders = List.of();
        private Duration maxAge;

        private Builder() {
        }

        /** One fixed origin, or {@code "*"} for any (default). */
        public Builder origin(String origin) {
            this.origin = Objects.requireNonNull(origin, "origin");
            this.origins = null;
            this.originPredicate = null;
            return this;
        }

        /** A list of allowed origins; a matching request origin is echoed back. */
        public Builder origins(List<String> origins) {
            this.origins = List.copyOf(origins);
            this.origin = null;
            this.originPredicate = null;
            return this;
        }

        /** A predicate on the request origin; an accepted origin is echoed back. */
        public Builder origin(Predicate<String> predicate) {
            this.originPredicate = Objects.requireNonNull(predicate, "predicate");
            this.origin = null;
            this.origins = null;
            return this;
        }

        /** The allowed methods (default {@code GET,HEAD,PUT,PATCH,POST,DELETE}). */
        public Builder methods(String... methods) {
            this.methods = List.of(methods);
            return this;
        }

        /** Whether credentials are allowed (default false). */
        public Builder credentials(boolean credentials) {
            this.credentials = credentials;
            return this;
        }

        /** The allowed headers (default: reflect the preflight's requested headers). */
        public Builder allowedHeaders(String... headers) {
            this.allowedHeaders = List.of(headers);
            return this;
        }

        /** The exposed headers (default none). */
        public Builder exposedHeaders(String... headers) {
            this.exposedHeaders = List.of(headers);
            return this;
        }

        /** The preflight max age (default none). */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** Builds the options. */
        public CorsOptions build() {
            return new CorsOptions(this);
        }
    }
}
