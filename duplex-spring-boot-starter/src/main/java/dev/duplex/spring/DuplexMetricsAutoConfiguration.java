package dev.duplex.spring;

import dev.duplex.micrometer.DuplexMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The Micrometer metrics of the server ({@link DuplexMetrics}), when Micrometer and {@code duplex-micrometer} are on
 * the class path: the bean is the server's instrumentation, and Spring Boot's actuator binds it to its registries
 * (they show on {@code /actuator/metrics} and {@code /actuator/prometheus}). Off with
 * {@code duplex.metrics.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "dev.duplex.micrometer.DuplexMetrics"})
@ConditionalOnProperty(prefix = "duplex.metrics", name = "enabled", matchIfMissing = true)
public class DuplexMetricsAutoConfiguration {

    /** The metrics, a {@code MeterBinder}. */
    @Bean
    @ConditionalOnMissingBean
    public DuplexMetrics duplexMetrics() {
        return new DuplexMetrics();
    }
}
