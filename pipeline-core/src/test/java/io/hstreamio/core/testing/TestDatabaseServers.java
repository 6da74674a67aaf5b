package io.hstreamio.core.testing;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/**
 * Finds one server per engine for the whole JVM (environment, then defaults, then Testcontainers) and creates and
 * drops the test databases on it. Thread-safe: test classes may run in parallel.
 */
final class TestDatabaseServers {

  static final String SETUP_HINT = "run scripts/setup-databases.sh as root";

  private static final Map<DatabaseEngine, ServerAddress> RESOLVED = new EnumMap<>(DatabaseEngine.class);

  private TestDatabaseServers() {}

  /** The server for {@code engine}, found once per JVM. */
  static synchronized ServerAddress server(DatabaseEngine engine) {
    ServerAddress address = RESOLVED.get(engine);
    if (address == null) {
      address = resolve(engine, System.getenv(), TestDatabaseServers::dockerMayAnswer);
      RESOLVED.put(engine, address);
    }
    return address;
  }

  /** Resolution without the JVM-wide cache; {@code dockerCheck} is a seam for tests. */
  static ServerAddress resolve(DatabaseEngine engine, Map<String, String> environment, BooleanSupplier dockerCheck) {
    return resolve(ServerAddress.fromEnvironment(engine, environment), dockerCheck);
  }

  static ServerAddress resolve(ServerAddress candidate, BooleanSupplier dockerCheck) {
    DatabaseEngine engine = candidate.engine();
    SQLException failure = probe(candidate);
    if (failure == null) {
      return candidate;
    }
    if (candidate.configured()) {
      throw new IllegalStateException(
          "No " + engine.displayName() + " server for tests at " + candidate.hostAndPort() + " as " + candidate.user()
              + " (from " + engine.environmentPrefix() + "*): " + failure.getMessage()
              + "; fix those variables or unset them to use 127.0.0.1 and " + SETUP_HINT,
          failure);
    }
    if (dockerCheck.getAsBoolean()) {
      return ContainerServerLoader.start(engine);
    }
    throw new IllegalStateException(
        "No " + engine.displayName() + " server for tests: tried " + candidate.hostAndPort() + " as "
            + candidate.user() + " (" + failure.getMessage() + ") and found no Docker engine for Testcontainers; "
            + SETUP_HINT + ", or set " + engine.environmentPrefix() + "HOST/PORT/USER/PASSWORD",
        failure);
  }

  /** Null when the server answers and accepts the login, else why not. */
  private static SQLException probe(ServerAddress address) {
    String url = address.jdbcUrl(address.engine().adminDatabase()) + address.engine().probeParameters();
    try (Connection ignored = connect(address, url)) {
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  static Connection connect(ServerAddress address, String url) throws SQLException {
    try {
      return DriverManager.getConnection(url, address.user(), address.password());
    } catch (SQLException e) {
      if ("08001".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains("No suitable driver")) {
        throw new SQLException(
            "no " + address.engine().displayName() + " JDBC driver on the test classpath; add "
                + address.engine().driverArtifact() + " with test scope to this module",
            e);
      }
      throw e;
    }
  }

  static Connection connectAdmin(ServerAddress address) throws SQLException {
    return connect(address, address.jdbcUrl(address.engine().adminDatabase()));
  }

  static void createDatabase(ServerAddress address, String name) throws SQLException {
    String quoted = address.engine().quote(name);
    String sql = address.engine() == DatabaseEngine.MARIADB
        ? "CREATE DATABASE " + quoted + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        : "CREATE DATABASE " + quoted + " ENCODING 'UTF8' TEMPLATE template0";
    try (Connection c = connectAdmin(address); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static void dropDatabase(ServerAddress address, String name) throws SQLException {
    try (Connection c = connectAdmin(address); Statement s = c.createStatement()) {
      if (address.engine() == DatabaseEngine.POSTGRES) {
        dropReplicationSlots(c, name);
        // FORCE ends sessions a test left open (connection pools, CDC readers) instead of failing on them.
        s.execute("DROP DATABASE IF EXISTS " + address.engine().quote(name) + " WITH (FORCE)");
      } else {
        s.execute("DROP DATABASE IF EXISTS " + address.engine().quote(name));
      }
    }
  }

  static boolean databaseExists(ServerAddress address, String name) throws SQLException {
    String sql = address.engine() == DatabaseEngine.MARIADB
        ? "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?"
        : "SELECT COUNT(*) FROM pg_database WHERE datname = ?";
    try (Connection c = connectAdmin(address); PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /**
   * A logical replication slot blocks DROP DATABASE even WITH (FORCE), and CDC tests leave them behind: end the
   * walsenders holding them, then drop the slots once they are released.
   */
  private static void dropReplicationSlots(Connection admin, String database) throws SQLException {
    try (PreparedStatement p = admin.prepareStatement(
        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = ? AND active")) {
      p.setString(1, database);
      p.executeQuery().close();
    }
    Awaitility.await("replication slots of " + database + " released and dropped")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(e -> e instanceof SQLException)
        .until(() -> remainingSlotsAfterDrop(admin, database).isEmpty());
  }

  private static List<String> remainingSlotsAfterDrop(Connection admin, String database) throws SQLException {
    try (PreparedStatement drop = admin.prepareStatement(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = ? AND NOT active")) {
      drop.setString(1, database);
      drop.executeQuery().close();
    }
    List<String> remaining = new ArrayList<>();
    try (PreparedStatement p =
        admin.prepareStatement("SELECT slot_name FROM pg_replication_slots WHERE database = ?")) {
      p.setString(1, database);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          remaining.add(rs.getString(1));
        }
      }
    }
    return remaining;
  }

  /**
   * Cheap look before Testcontainers is touched at all (it is slow to give up and logs a lot): a Docker socket or
   * DOCKER_HOST must exist, and Testcontainers must be on the classpath and reach the engine.
   */
  static boolean dockerMayAnswer() {
    boolean hint = System.getenv("DOCKER_HOST") != null
        || Files.exists(Path.of("/var/run/docker.sock"))
        || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    return hint && ContainerServerLoader.dockerAvailable();
  }

  /** Reaches {@link ContainerServers} only by reflection, so that modules without Testcontainers still load us. */
  private static final class ContainerServerLoader {
    private static final String CLASS = "io.hstreamio.core.testing.ContainerServers";

    static boolean dockerAvailable() {
      try {
        Class.forName("org.testcontainers.DockerClientFactory");
      } catch (ClassNotFoundException e) {
        return false;
      }
      return (Boolean) call("dockerAvailable", new Class<?>[0]);
    }

    static ServerAddress start(DatabaseEngine engine) {
      return (ServerAddress) call("start", new Class<?>[] {DatabaseEngine.class}, engine);
    }

    private static Object call(String method, Class<?>[] types, Object... args) {
      try {
        return Class.forName(CLASS).getDeclaredMethod(method, types).invoke(null, args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException("Testcontainers " + method + " failed: " + e.getCause(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot call " + CLASS + "." + method + ": " + e, e);
      }
    }
  }
}
