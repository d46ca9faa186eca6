package dev.duplex.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.engine.CookieOptions;
import dev.duplex.engine.CorsOptions;
import dev.duplex.redis.RedisAdapterFactory;
import dev.duplex.redis.RedisAdapterOptions;
import dev.duplex.server.ConnectionStateRecovery;
import dev.duplex.server.Instrumentation;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import org.springframework.util.ClassUtils;

import java.util.LinkedHashSet;

/**
 * Auto-configuration of a {@link SocketIoServer} from the {@code duplex.*} properties ({@link DuplexProperties}),
 * with the handlers of the {@link SocketIoController} beans, started with the application context and closed
 * gracefully with it ({@link DuplexServerLifecycle}). Off with {@code duplex.enabled=false}; a
 * {@link SocketIoServer} bean of the application replaces it.
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class,
        afterName = "dev.duplex.spring.DuplexMetricsAutoConfiguration")
@ConditionalOnProperty(prefix = "duplex", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(DuplexProperties.class)
public class DuplexAutoConfiguration {
    private static final String REDIS_FACTORY = "dev.duplex.redis.RedisAdapterFactory";

    /** The server options: the properties, then the customizers. */
    @Bean
    @ConditionalOnMissingBean
    public ServerOptions duplexServerOptions(DuplexProperties properties, ObjectProvider<ObjectMapper> mappers,
            ObjectProvider<Instrumentation> instrumentation, ObjectProvider<ServerOptionsCustomizer> customizers,
            ApplicationContext context) {
        ServerOptions.Builder b = options(properties, context.getClassLoader());
        ObjectMapper mapper = mappers.getIfUnique();
        if (mapper != null) {
            b.objectMapper(mapper);
        }
        Instrumentation hooks = instrumentation.getIfUnique();
        if (hooks != null) {
            b.instrumentation(hooks);
        }
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /** The builder of the properties alone. */
    static ServerOptions.Builder options(DuplexProperties p, ClassLoader classLoader) {
        ServerOptions.Builder b = ServerOptions.builder()
                .path(p.getPath())
                .serveClient(p.isServeClient())
                .pingInterval(p.getPingInterval())
                .pingTimeout(p.getPingTimeout())
                .upgradeTimeout(p.getUpgradeTimeout())
                .connectTimeout(p.getConnectTimeout())
                .maxHttpBufferSize(p.getMaxHttpBufferSize())
                .maxAttachments(p.getMaxAttachments())
                .transports(new LinkedHashSet<>(p.getTransports()))
                .allowUpgrades(p.isAllowUpgrades())
                .allowEIO3(p.isAllowEio3())
                .perMessageDeflate(p.isPerMessageDeflate())
                .httpCompression(p.isHttpCompression())
                .ioThreads(p.getIoThreads())
                .handlersOnEventLoop(p.isHandlersOnEventLoop())
                .handlerThreads(p.getHandlerThreads())
                .cleanupEmptyChildNamespaces(p.isCleanupEmptyChildNamespaces());
        DuplexProperties.Cors cors = p.getCors();
        if (!cors.getOrigins().isEmpty()) {
            CorsOptions.Builder c = CorsOptions.builder().credentials(cors.isCredentials());
            if (cors.getOrigins().size() == 1) {
                c.origin(cors.getOrigins().get(0));
            } else {
                c.origins(cors.getOrigins());
            }
            if (!cors.getAllowedHeaders().isEmpty()) {
                c.allowedHeaders(cors.getAllowedHeaders().toArray(String[]::new));
            }
            b.cors(c.build());
        }
        DuplexProperties.Cookie cookie = p.getCookie();
        if (cookie.getName() != null && !cookie.getName().isEmpty()) {
            b.cookie(CookieOptions.builder().name(cookie.getName()).path(cookie.getPath())
                    .httpOnly(cookie.isHttpOnly()).sameSite(cookie.getSameSite()).secure(cookie.isSecure()).build());
        }
        DuplexProperties.Ssl ssl = p.getSsl();
        if (ssl.getCertificate() != null || ssl.getPrivateKey() != null) {
            if (ssl.getCertificate() == null || ssl.getPrivateKey() == null) {
                throw new IllegalStateException("duplex.ssl needs both certificate and private-key");
            }
            b.ssl(ssl.getCertificate(), ssl.getPrivateKey());
        }
        DuplexProperties.Recovery recovery = p.getConnectionStateRecovery();
        if (recovery.isEnabled()) {
            b.connectionStateRecovery(ConnectionStateRecovery.builder()
                    .maxDisconnectionDuration(recovery.getMaxDisconnectionDuration())
                    .skipMiddlewares(recovery.isSkipMiddlewares()).build());
        }
        String adapter = p.getAdapter().getType();
        if ("redis".equalsIgnoreCase(adapter)) {
            if (!ClassUtils.isPresent(REDIS_FACTORY, classLoader)) {
                throw new IllegalStateException("duplex.adapter.type=redis needs dev.duplex:duplex-redis on the class path");
            }
        } else if (adapter != null && !"memory".equalsIgnoreCase(adapter)) {
            throw new IllegalStateException("duplex.adapter.type=" + adapter + " is not supported: use \"memory\" or "
                    + "\"redis\", or set another AdapterFactory with a ServerOptionsCustomizer bean");
        }
        return b;
    }

    /** The server (started by {@link DuplexServerLifecycle}, closed with the context). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SocketIoServer socketIoServer(ServerOptions duplexServerOptions) {
        return SocketIoServer.create(duplexServerOptions);
    }

    /** Registers the annotated handlers, starts the server, closes it gracefully. */
    @Bean
    @ConditionalOnMissingBean
    public DuplexServerLifecycle duplexServerLifecycle(SocketIoServer server, DuplexProperties properties,
            ApplicationContext context) {
        return new DuplexServerLifecycle(server, properties, new HandlerRegistrar(context, server));
    }

    /** {@code duplex.adapter.type=redis}: the Redis adapter of duplex-redis, closed after the server. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = REDIS_FACTORY)
    @ConditionalOnProperty(prefix = "duplex.adapter", name = "type", havingValue = "redis")
    static class RedisAdapterConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        RedisAdapterFactory duplexRedisAdapterFactory(DuplexProperties properties) {
            DuplexProperties.Redis redis = properties.getAdapter().getRedis();
            return RedisAdapterFactory.create(redis.getUrl(), RedisAdapterOptions.builder().key(redis.getKey())
                    .requestsTimeout(redis.getRequestsTimeout()).build());
        }

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        ServerOptionsCustomizer duplexRedisAdapter(RedisAdapterFactory duplexRedisAdapterFactory) {
            return options -> options.adapter(duplexRedisAdapterFactory);
        }
    }
}
