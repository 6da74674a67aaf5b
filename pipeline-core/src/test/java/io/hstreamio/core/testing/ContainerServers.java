package io.hstreamio.core.testing;

import java.util.EnumMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The optional Testcontainers path: one CDC-enabled container per engine for the whole JVM, started on first use
 * and removed by Testcontainers' reaper when the JVM ends. Only called by reflection from {@link
 * TestDatabaseServers}, so that nothing else needs Testcontainers on the classpath.
 */
final class ContainerServers {

  private static final Map<DatabaseEngine, JdbcDatabaseContainer<?>> STARTED = new EnumMap<>(DatabaseEngine.class);

  private ContainerServers() {}

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  static synchronized ServerAddress start(DatabaseEngine engine) {
    JdbcDatabaseContainer<?> container = STARTED.get(engine);
    if (container == null) {
      container = create(engine);
      container.start();
      STARTED.put(engine, container);
    }
    int port = container.getMappedPort(engine.defaultPort());
    return new ServerAddress(
        engine, container.getHost(), port, container.getUsername(), container.getPassword(), false);
  }

  @SuppressWarnings("resource") // lives until the JVM ends
  private static JdbcDatabaseContainer<?> create(DatabaseEngine engine) {
    return switch (engine) {
      // The same CDC settings scripts/setup-databases.sh gives the local servers.
      case MARIADB -> new MariaDBContainer("mariadb:10.11")
          .withUsername("root")
          .withPassword("test")
          .withCommand(
              "--server-id=1",
              "--log-bin=mysql-bin",
              "--binlog-format=ROW",
              "--binlog-row-image=FULL",
              "--binlog-row-metadata=FULL");
      case POSTGRES -> new PostgreSQLContainer("postgres:15")
          .withUsername("postgres")
          .withPassword("test")
          .withCommand(
              "postgres", "-c", "wal_level=logical", "-c", "max_wal_senders=20", "-c", "max_replication_slots=20");
    };
  }
}
