package io.hstreamio.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * Guards the test-database set-up: the servers have the CDC settings that scripts/setup-databases.sh gives them, and
 * the extension hands each class (and each instance) its own working databases and drops them afterwards, even with
 * connections and an active replication slot left open.
 */
class TestDatabasesIT {

  @RegisterExtension static final TestDatabases DBS = new TestDatabases();

  /** Database names each sample saw, by "class/instance", filled while the samples run inside the test kit. */
  static final Map<String, Map<DatabaseEngine, String>> SEEN = new ConcurrentHashMap<>();
  /** Connections and streams the samples leak on purpose, closed by the test after the check. */
  static final List<AutoCloseable> LEAKED = new CopyOnWriteArrayList<>();
  /** Replication slots the samples created. */
  static final List<String> SLOTS = new CopyOnWriteArrayList<>();

  private static volatile boolean kitRunning;

  static boolean kitRunning() {
    return kitRunning;
  }

  @Test
  void mariadbWritesARowBasedBinlogWithFullImagesAndMetadata() throws SQLException {
    Map<String, String> variables = new HashMap<>();
    for (Map<String, Object> row : DBS.mariadb().query("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
        + " ('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata')")) {
      variables.put((String) row.get("Variable_name"), (String) row.get("Value"));
    }

    assertThat(variables)
        .as("MariaDB CDC settings (run scripts/setup-databases.sh as root)")
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "log_bin", "ON", "binlog_format", "ROW", "binlog_row_image", "FULL", "binlog_row_metadata", "FULL"));
    assertThat(DBS.mariadb().query("SHOW MASTER STATUS")).as("current binlog file").hasSize(1);
  }

  @Test
  void postgresWritesLogicalWalWithRoomForReplicationSlots() throws SQLException {
    TestDatabase postgres = DBS.postgres();

    assertThat(postgres.queryValue("SHOW wal_level"))
        .as("PostgreSQL wal_level (run scripts/setup-databases.sh as root)")
        .isEqualTo("logical");
    assertThat(Integer.parseInt((String) postgres.queryValue("SHOW max_replication_slots"))).isGreaterThanOrEqualTo(20);
    assertThat(Integer.parseInt((String) postgres.queryValue("SHOW max_wal_senders"))).isGreaterThanOrEqualTo(20);
  }

  @Test
  void theClassDatabasesExistAndConnectionsLandInThem() throws SQLException {
    TestDatabase mariadb = DBS.mariadb();
    TestDatabase postgres = DBS.postgres();

    assertThat(mariadb.name()).matches(TestDatabaseNames.VALID).startsWith("t_testdatabasesit_");
    assertThat(postgres.name()).matches(TestDatabaseNames.VALID).startsWith("t_testdatabasesit_");
    assertThat(mariadb.queryValue("SELECT DATABASE()")).isEqualTo(mariadb.name());
    assertThat(postgres.queryValue("SELECT current_database()")).isEqualTo(postgres.name());
    assertThat(TestDatabaseServers.databaseExists(mariadb.server(), mariadb.name())).isTrue();
    assertThat(TestDatabaseServers.databaseExists(postgres.server(), postgres.name())).isTrue();
  }

  @Test
  void eachClassAndInstanceGetsItsOwnWorkingDatabasesWhichAreDroppedAfterwards() throws Exception {
    SEEN.clear();
    SLOTS.clear();
    EngineExecutionResults results;
    kitRunning = true;
    try {
      results = EngineTestKit.engine("junit-jupiter")
          .selectors(selectClass(SampleOne.class), selectClass(SampleTwo.class), selectClass(SampleTwoInstances.class))
          .execute();
    } finally {
      kitRunning = false;
    }
    try {
      List<String> failures = new ArrayList<>();
      results.allEvents().failed().stream().forEach(event -> failures.add(event.getTestDescriptor().getDisplayName()
          + ": " + event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)));
      assertThat(failures).as("failures in the samples, including dropping their databases").isEmpty();
      assertThat(results.testEvents().succeeded().count()).isEqualTo(3);

      assertThat(SEEN).containsOnlyKeys("SampleOne", "SampleTwo", "SampleTwoInstances/A", "SampleTwoInstances/B");
      List<String> names = SEEN.values().stream().flatMap(m -> m.values().stream()).toList();
      assertThat(names).hasSize(8).doesNotHaveDuplicates().doesNotContain(DBS.mariadb().name(), DBS.postgres().name());

      for (Map<DatabaseEngine, String> perEngine : SEEN.values()) {
        for (Map.Entry<DatabaseEngine, String> entry : perEngine.entrySet()) {
          ServerAddress server = TestDatabaseServers.server(entry.getKey());
          assertThat(TestDatabaseServers.databaseExists(server, entry.getValue()))
              .as("%s database %s still exists after its class ended", entry.getKey(), entry.getValue())
              .isFalse();
        }
      }
      assertThat(SLOTS).hasSize(1);
      assertThat(DBS.postgres().queryValue(
          "SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name = ?", SLOTS.get(0))).isEqualTo(0L);
    } finally {
      for (AutoCloseable leaked : LEAKED) {
        try {
          leaked.close();
        } catch (Exception e) {
          // already ended by the drop: that is the point
        }
      }
      LEAKED.clear();
    }
  }

  /** Uses both databases, then leaves a connection and an active logical replication stream open. */
  @EnabledIf("io.hstreamio.core.testing.TestDatabasesIT#kitRunning")
  static class SampleOne {
    @RegisterExtension static final TestDatabases DBS = new TestDatabases();

    @Test
    void usesBothAndLeavesAnActiveReplicationSlot() throws SQLException {
      record(SampleOne.class.getSimpleName(), DBS);
      String slot = "s_" + DBS.postgres().name();
      DBS.postgres().execute(
          "CREATE TABLE t (id INT PRIMARY KEY)", "CREATE PUBLICATION p FOR ALL TABLES",
          "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
      SLOTS.add(slot);
      LEAKED.add(DBS.postgres().open());

      Properties properties = new Properties();
      PGProperty.USER.set(properties, DBS.postgres().user());
      PGProperty.PASSWORD.set(properties, DBS.postgres().password());
      PGProperty.REPLICATION.set(properties, "database");
      PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
      PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
      Connection replication = DriverManager.getConnection(DBS.postgres().jdbcUrl(), properties);
      LEAKED.add(replication);
      PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
          .replicationStream().logical().withSlotName(slot)
          .withSlotOption("proto_version", "1").withSlotOption("publication_names", "p")
          .start();
      LEAKED.add(0, stream); // closed before its connection

      assertThat(DBS.postgres().queryValue("SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot))
          .isEqualTo(true);
    }
  }

  @EnabledIf("io.hstreamio.core.testing.TestDatabasesIT#kitRunning")
  static class SampleTwo {
    @RegisterExtension static final TestDatabases DBS = new TestDatabases();

    @Test
    void usesBoth() throws SQLException {
      record(SampleTwo.class.getSimpleName(), DBS);
    }
  }

  @EnabledIf("io.hstreamio.core.testing.TestDatabasesIT#kitRunning")
  static class SampleTwoInstances {
    @RegisterExtension static final TestDatabases A = new TestDatabases();
    @RegisterExtension static final TestDatabases B = new TestDatabases();

    @Test
    void usesBothOfBoth() throws SQLException {
      record("SampleTwoInstances/A", A);
      record("SampleTwoInstances/B", B);
    }
  }

  /** Proves the databases work (write, read back, right database) and notes their names. */
  static void record(String key, TestDatabases databases) throws SQLException {
    Map<DatabaseEngine, String> names = new HashMap<>();
    for (DatabaseEngine engine : DatabaseEngine.values()) {
      TestDatabase database = databases.database(engine);
      database.execute("CREATE TABLE marker (owner VARCHAR(64) PRIMARY KEY)", "INSERT INTO marker VALUES ('" + key + "')");
      assertThat(database.queryValue("SELECT owner FROM marker")).isEqualTo(key);
      String current = engine == DatabaseEngine.MARIADB ? "SELECT DATABASE()" : "SELECT current_database()";
      assertThat(database.queryValue(current)).isEqualTo(database.name());
      names.put(engine, database.name());
    }
    SEEN.put(key, names);
  }
}
