package dev.duplex.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The options of {@link AdminUi#attach}, those of {@code instrument(io, options)} of {@code @socket.io/admin-ui}
 * 0.5 plus where to serve the UI. Immutable; made with {@link #builder()}. The authentication must be chosen
 * explicitly, as in Node: {@link Builder#basicAuth(String, String)} or {@link Builder#noAuth()}.
 *
 * <pre>{@code
 * AdminUi.attach(io, AdminUiOptions.builder()
 *         .basicAuth("admin", "$2b$10$...")       // a bcrypt hash of the password
 *         .serveUi(true)                           // the dashboard at http://host:port/admin/
 *         .build());
 * }</pre>
 */
public final class AdminUiOptions {
    /** Whether the UI gets every event ({@code development}) or only aggregated counts ({@code production}). */
    public enum Mode {
        /** Sockets, rooms and every event are sent to the UI as they happen (the default). */
        DEVELOPMENT,
        /** Only the periodic server statistics and aggregated event counts: cheaper on a busy server. */
        PRODUCTION
    }

    private static final Pattern BCRYPT = Pattern.compile("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private final boolean auth;
    private final String username;
    private final String passwordHash;
    private final String namespaceName;
    private final boolean readonly;
    private final String serverId;
    private final Mode mode;
    private final AdminSessionStore store;
    private final boolean serveUi;
    private final String uiPath;
    private final Duration statsInterval;

    private AdminUiOptions(Builder b) {
        if (b.auth == null) {
            throw new IllegalStateException("the authentication must be chosen: basicAuth(username, bcryptHash) "
                    + "or noAuth()");
        }
        this.auth = b.auth;
        this.username = b.username;
        this.passwordHash = b.passwordHash;
        this.namespaceName = b.namespaceName;
        this.readonly = b.readonly;
        this.serverId = b.serverId;
        this.mode = b.mode;
        this.store = b.store != null ? b.store : AdminSessionStore.inMemory();
        this.serveUi = b.serveUi;
        this.uiPath = b.uiPath;
        this.statsInterval = b.statsInterval;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether basic authentication is on (false: anyone may connect, as {@code auth: false}). */
    public boolean auth() {
        return auth;
    }

    /** The user name of basic authentication, or null. */
    public String username() {
        return username;
    }

    /** The bcrypt hash of the password of basic authentication, or null. */
    public String passwordHash() {
        return passwordHash;
    }

    /** The namespace the UI connects to; default {@code "/admin"}. */
    public String namespaceName() {
        return namespaceName;
    }

    /** Whether the UI's actions (emit, join, leave, disconnect) are refused; default false. */
    public boolean readonly() {
        return readonly;
    }

    /** The id of this server in the UI, or null for the default {@code hostname#pid}. */
    public String serverId() {
        return serverId;
    }

    /** The mode; default {@link Mode#DEVELOPMENT}. */
    public Mode mode() {
        return mode;
    }

    /** The session store; default {@link AdminSessionStore#inMemory()}. */
    public AdminSessionStore store() {
        return store;
    }

    /**
     * Whether the server serves the built UI (the one packed in this jar from {@code @socket.io/admin-ui}) at
     * {@link #uiPath()} on its own port, ahead of the application's other HTTP handlers; default false. The page
     * asks for the server's URL (e.g. {@code http://localhost:3000}) and the credentials.
     */
    public boolean serveUi() {
        return serveUi;
    }

    /** Where the UI is served, e.g. {@code "/admin"} (its page is {@code /admin/}); default {@code "/admin"}. */
    public String uiPath() {
        return uiPath;
    }

    /** How often {@code server_stats} is sent; default 2 s (as in Node). */
    public Duration statsInterval() {
        return statsInterval;
    }

    /** Whether {@code hash} looks like a bcrypt hash ({@code $2a$}, {@code $2b$}, {@code $2y$}, cost, 53 chars). */
    static boolean isBcryptHash(String hash) {
        return hash != null && BCRYPT.matcher(hash).matches();
    }

    @Override
    public String toString() {
        return "AdminUiOptions[auth=" + (auth ? "basic(" + username + ")" : "none") + ", namespace=" + namespaceName
                + ", readonly=" + readonly + ", serverId=" + serverId + ", mode=" + mode + ", serveUi=" + serveUi
                + ", uiPath=" + uiPath + "]";
    }

    /** Builds {@link AdminUiOptions}. */
    public static final class Builder {
        private Boolean auth;
        private String username;
        private String passwordHash;
        private String namespaceName = "/admin";
        private boolean readonly;
        private String serverId;
        private Mode mode = Mode.DEVELOPMENT;
        private AdminSessionStore store;
        private boolean serveUi;
        private String uiPath = "/admin";
        private Duration statsInterval = Duration.ofSeconds(2);

        private Builder() {
        }

        /**
         * Basic authentication: the UI must log in with {@code username} and the password whose bcrypt hash is
         * {@code bcryptHash} (e.g. made with {@code htpasswd -bnBC 10 "" password | tr -d ':\n'}, or
         * {@link AdminUi#hashPassword(String)}).
         *
         * @throws IllegalArgumentException when {@code bcryptHash} is not a bcrypt hash
         */
        public Builder basicAuth(String username, String bcryptHash) {
            if (!isBcryptHash(bcryptHash)) {
                throw new IllegalArgumentException("the password must be a valid bcrypt hash");
            }
            this.auth = true;
            this.username = Objects.requireNonNull(username, "username");
            this.passwordHash = bcryptHash;
            return this;
        }

        /** No authentication ({@code auth: false}): anyone who reaches the port can use the UI. */
        public Builder noAuth() {
            this.auth = false;
            this.username = null;
            this.passwordHash = null;
            return this;
        }

        /** @see AdminUiOptions#namespaceName() */
        public Builder namespaceName(String value) {
            String n = Objects.requireNonNull(value, "namespaceName");
            this.namespaceName = n.startsWith("/") ? n : "/" + n;
            return this;
        }

        /** @see AdminUiOptions#readonly() */
        public Builder readonly(boolean value) {
            this.readonly = value;
            return this;
        }

        /** @see AdminUiOptions#serverId() */
        public Builder serverId(String value) {
            this.serverId = value;
            return this;
        }

        /** @see AdminUiOptions#mode() */
        public Builder mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** @see AdminUiOptions#store() */
        public Builder store(AdminSessionStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** @see AdminUiOptions#serveUi() */
        public Builder serveUi(boolean value) {
            this.serveUi = value;
            return this;
        }

        /** @see AdminUiOptions#uiPath() */
        public Builder uiPath(String value) {
            String p = Objects.requireNonNull(value, "uiPath");
            if (!p.startsWith("/")) {
                p = "/" + p;
            }
            while (p.length() > 1 && p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.equals("/")) {
                throw new IllegalArgumentException("the UI needs a path of its own, e.g. /admin");
            }
            this.uiPath = p;
            return this;
        }

        /** @see AdminUiOptions#statsInterval() */
        public Builder statsInterval(Duration value) {
            if (Objects.requireNonNull(value, "statsInterval").toMillis() < 10) {
                throw new IllegalArgumentException("statsInterval below 10 ms");
            }
            this.statsInterval = value;
            return this;
        }

        /** The options. */
        public AdminUiOptions build() {
            return new AdminUiOptions(this);
        }
    }
}
