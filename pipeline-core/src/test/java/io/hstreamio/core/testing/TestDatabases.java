package io.hstreamio.core.testing;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test class its own fresh, empty databases: created before all its tests, dropped
 * after them (PostgreSQL WITH (FORCE), after dropping the class's replication slots).
 *
 * <pre>{@code
 * @RegisterExtension static final TestDatabases DBS = new TestDatabases();
 * ... DBS.mariadb().execute("CREATE TABLE t (id INT PRIMARY KEY)");
 * ... DBS.postgres().jdbcUrl();
 * }</pre>
 *
 * <p>Register it on a <b>static</b> field: databases live per class. A {@code @Nested} class shares its outer class's
 * databases. Two instances in one class give two sets of databases. Where the servers come from is described in
 * {@link io.hstreamio.core.testing the package documentation}; when none answers, {@code beforeAll} fails with one
 * message naming the addresses tried and {@code scripts/setup-databases.sh}.
 *
 * <p>Lifecycle callbacks run on JUnit's thread for the class; the handles may be used from any thread in between.
 */
public final class TestDatabases implements BeforeAllCallback, AfterAllCallback {

  private static final RandomGenerator RANDOM = new SecureRandom();

  private final Set<DatabaseEngine> engines;
  private final Map<DatabaseEngine, TestDatabase> databases = new EnumMap<>(DatabaseEngine.class);
  private String ownerId; // unique id of the class context that created the databases

  /** A MariaDB and a PostgreSQL database. */
  public TestDatabases() {
    this(EnumSet.allOf(DatabaseEngine.class));
  }

  private TestDatabases(Set<DatabaseEngine> engines) {
    this.engines = EnumSet.copyOf(engines);
  }

  /** Only a MariaDB database: the class does not need (or fail for want of) PostgreSQL. */
  public static TestDatabases mariadbOnly() {
    return new TestDatabases(EnumSet.of(DatabaseEngine.MARIADB));
  }

  /** Only a PostgreSQL database: the class does not need (or fail for want of) MariaDB. */
  public static TestDatabases postgresOnly() {
    return new TestDatabases(EnumSet.of(DatabaseEngine.POSTGRES));
  }

  public TestDatabase mariadb() {
    return database(DatabaseEngine.MARIADB);
  }

  public TestDatabase postgres() {
    return database(DatabaseEngine.POSTGRES);
  }

  public synchronized TestDatabase database(DatabaseEngine engine) {
    if (!engines.contains(engine)) {
      throw new IllegalStateException(
          "this TestDatabases has no " + engine.displayName() + " database; register new TestDatabases() for both");
    }
    TestDatabase database = databases.get(engine);
    if (database == null) {
      throw new IllegalStateException(
          "no " + engine.displayName() + " test database yet; register TestDatabases with @RegisterExtension on a"
              + " static field and use it from tests or @BeforeAll methods");
    }
    return database;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws SQLException {
    if (ownerId != null) {
      return; // a @Nested class inside the owner: it shares the owner's databases
    }
    String className = context.getRequiredTestClass().getName();
    try {
      for (DatabaseEngine engine : engines) {
        ServerAddress server = TestDatabaseServers.server(engine);
        String name = TestDatabaseNames.newName(className, RANDOM);
        TestDatabaseServers.createDatabase(server, name);
        databases.put(engine, new TestDatabase(server, name));
      }
    } catch (RuntimeException | SQLException e) {
      dropAll(e); // what was created before the failure
      throw e;
    }
    ownerId = context.getUniqueId();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) throws SQLException {
    if (!context.getUniqueId().equals(ownerId)) {
      return;
    }
    ownerId = null;
    SQLException failure = dropAll(null);
    if (failure != null) {
      throw failure;
    }
  }

  /** Drops every database, keeps going past failures; returns the first failure with the others suppressed. */
  private SQLException dropAll(Exception primary) {
    List<SQLException> failures = new ArrayList<>();
    for (TestDatabase database : databases.values()) {
      try {
        TestDatabaseServers.dropDatabase(database.server(), database.name());
      } catch (SQLException | RuntimeException e) {
        failures.add(new SQLException("could not drop " + database + ": " + e.getMessage(), e));
      }
    }
    databases.clear();
    if (primary != null) {
      failures.forEach(primary::addSuppressed);
      return null;
    }
    if (failures.isEmpty()) {
      return null;
    }
    SQLException first = failures.get(0);
    failures.subList(1, failures.size()).forEach(first::addSuppressed);
    return first;
  }
}
