package com.example.orders;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The PostgreSQL connection pool, from {@code orders.db.*} (environment: {@code ORDERS_DB_URL}, ...). */
@ApplicationScoped
public class Database {

    @Produces
    @ApplicationScoped
    HikariDataSource dataSource(
            @ConfigProperty(name = "orders.db.url") String url,
            @ConfigProperty(name = "orders.db.user") String user,
            @ConfigProperty(name = "orders.db.password") Optional<String> password,
            @ConfigProperty(name = "orders.db.pool-size", defaultValue = "4") int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        password.ifPresent(config::setPassword);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("orders");
        return new HikariDataSource(config);
    }

    void close(@Disposes HikariDataSource dataSource) {
        dataSource.close();
    }
}
