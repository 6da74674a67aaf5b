package io.hstreamio.core.testing;

import java.util.Locale;

/** The database servers the tests run against, with what differs between them. */
public enum DatabaseEngine {
  MARIADB("MariaDB", 3306, "root", "org.mariadb.jdbc:mariadb-java-client") {
    @Override
    String jdbcUrl(String host, int port, String database) {
      return "jdbc:mariadb://" + host + ":" + port + "/" + database;
    }

    @Override
    String adminDatabase() {
      return "";
    }

    @Override
    String quote(String identifier) {
      return "`" + identifier + "`";
    }

    @Override
    String probeParameters() {
      return "?connectTimeout=3000&socketTimeout=10000";
    }
  },
  POSTGRES("PostgreSQL", 5432, "postgres", "org.postgresql:postgresql") {
    @Override
    String jdbcUrl(String host, int port, String database) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    String adminDatabase() {
      return "postgres";
    }

    @Override
    String quote(String identifier) {
      return "\"" + identifier + "\"";
    }

    @Override
    String probeParameters() {
      return "?connectTimeout=3&loginTimeout=5&socketTimeout=10";
    }
  };

  private final String displayName;
  private final int defaultPort;
  private final String defaultUser;
  private final String driverArtifact;

  DatabaseEngine(String displayName, int defaultPort, String defaultUser, String driverArtifact) {
    this.displayName = displayName;
    this.defaultPort = defaultPort;
    this.defaultUser = defaultUser;
    this.driverArtifact = driverArtifact;
  }

  public String displayName() {
    return displayName;
  }

  public int defaultPort() {
    return defaultPort;
  }

  public String defaultUser() {
    return defaultUser;
  }

  /** Prefix of the environment variables naming this engine's server, e.g. {@code HSTREAMIO_TEST_MARIADB_}. */
  public String environmentPrefix() {
    return "HSTREAMIO_TEST_" + name().toUpperCase(Locale.ROOT) + "_";
  }

  /** Maven coordinates of the JDBC driver, for the error that says it is missing. */
  String driverArtifact() {
    return driverArtifact;
  }

  abstract String jdbcUrl(String host, int port, String database);

  /** The database an administrative connection opens (empty: none). */
  abstract String adminDatabase();

  abstract String quote(String identifier);

  /** URL parameters that keep a probe of an absent server short. */
  abstract String probeParameters();
}
