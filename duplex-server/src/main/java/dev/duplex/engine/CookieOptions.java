package dev.duplex.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The session cookie set on the handshake response when enabled. Immutable; made with {@link #builder()}.
 * Defaults: name {@code io}, path {@code /}, HttpOnly, SameSite {@code Lax}, not Secure, no domain, no max age.
 */
public final class CookieOptions {
    private final String name;
    private final String path;
    private final boolean httpOnly;
    private final String sameSite;
    private final boolean secure;
    private final String domain;
    private final Duration maxAge;

    private CookieOptions(Builder b) {
        this.name = b.name;
        this.path = b.path;
        this.httpOnly = b.httpOnly;
        this.sameSite = b.sameSite;
        this.secure = b.secure;
        this.domain = b.domain;
        this.maxAge = b.maxAge;
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default cookie: {@code io=<sid>; Path=/; HttpOnly; SameSite=Lax}. */
    public static CookieOptions defaults() {
        return builder().build();
    }

    /** The cookie name (default {@code io}). */
    public String name() {
        return name;
    }

    /** The cookie path (default {@code /}); {@code null} for none. */
    public String path() {
        return path;
    }

    /** Whether HttpOnly is set (default true). */
    public boolean httpOnly() {
        return httpOnly;
    }

    /** The SameSite attribute (default {@code Lax}); {@code null} for none. */
    public String sameSite() {
        return sameSite;
    }

    /** Whether Secure is set (default false). */
    public boolean secure() {
        return secure;
    }

    /** The Domain attribute, or {@code null} (default). */
    public String domain() {
        return domain;
    }

    /** The Max-Age, or {@code null} for a session cookie (default). */
    public Duration maxAge() {
        return maxAge;
    }

    /** The {@code Set-Cookie} header value for a session id. */
    /*
     * Not Netty's ServerCookieEncoder: this value must be the one engine.io writes (the npm `cookie` package's
     * serialize: Max-Age, Expires, Domain, Path, HttpOnly, Secure, SameSite, in that order and spelling), and
     * Netty's encoder orders the attributes differently and spells HttpOnly as "HTTPOnly". The session id is
     * base64url and the name is checked by the builder, so nothing here needs escaping.
     */
    String headerValue(String sid) {
        StringBuilder sb = new StringBuilder(name).append('=').append(sid);
        if (maxAge != null) {
            long secs = maxAge.getSeconds();
            sb.append("; Max-Age=").append(secs);
            sb.append("; Expires=").append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(secs)));
        }
        if (domain != null) {
            sb.append("; Domain=").append(domain);
        }
        if (path != null) {
            sb.append("; Path=").append(path);
        }
        if (httpOnly) {
            sb.append("; HttpOnly");
        }
        if (secure) {
            sb.append("; Secure");
        }
        if (sameSite != null) {
            sb.append("; SameSite=").append(sameSite);
        }
        return sb.toString();
    }

    /** Builder of {@link CookieOptions}. */
    public static final class Builder {
        private String name = "io";
        private String path = "/";
        private boolean httpOnly = true;
        private String sameSite = "Lax";
        private boolean secure;
        private String domain;
        private Duration maxAge;

        private Builder() {
        }

        /** The cookie name (default {@code io}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The cookie path (default {@code /}; {@code null} for none). */
        public Builder path(String path) {
            this.path = path;
            return this;
        }

        /** HttpOnly (default true). */
        public Builder httpOnly(boolean httpOnly) {
            this.httpOnly = httpOnly;
            return this;
        }

        /** SameSite (default {@code Lax}; {@code null} for none). */
        public Builder sameSite(String sameSite) {
            this.sameSite = sameSite;
            return this;
        }

        /** Secure (default false). */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /** Domain (default none). */
        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        /** Max-Age (default none: a session cookie). */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** Builds the options. */
        public CookieOptions build() {
            return new CookieOptions(this);
        }
    }
}
