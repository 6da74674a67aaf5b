package io.hstreamio.core.testing;

import java.util.Map;
import java.util.Objects;

/**
 * Where a test database server is and how to log in to it.
 *
 * @param configured true when taken from {@code HSTREAMIO_TEST_<ENGINE>_*} variables, false for the defaults or a
 *     container
 */
public record ServerAddress(
    DatabaseEngine engine, String host, int port, String user, String password, boolean configured) {

  public ServerAddress {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  /**
   * Reads {@code HSTREAMIO_TEST_<ENGINE>_HOST/PORT/USER/PASSWORD} from {@code environment}; unset or blank ones take
   * the defaults (127.0.0.1, the engine's port and user, no password).
   */
  public static ServerAddress fromEnvironment(DatabaseEngine engine, Map<String, String> environment) {
    String prefix = engine.environmentPrefix();
    String host = value(environment, prefix + "HOST");
    String port = value(environment, prefix + "PORT");
    String user = value(environment, prefix + "USER");
    String password = environment.get(prefix + "PASSWORD");
    boolean configured = host != null || port != null || user != null || password != null;
    return new ServerAddress(
        engine,
        host != null ? host : "127.0.0.1",
        port != null ? parsePort(prefix + "PORT", port) : engine.defaultPort(),
        user != null ? user : engine.defaultUser(),
        password != null ? password : "",
        configured);
  }

  /** JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return engine.jdbcUrl(host, port, database);
  }

  /** {@code host:port}, as error messages name it. */
  public String hostAndPort() {
    return host + ":" + port;
  }

  @Override
  public String toString() { // never the password
    return engine.displayName() + " " + hostAndPort() + " as " + user;
  }

  private static String value(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static int parsePort(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + "='" + value + "' is not a TCP port; set it to a number 1-65535");
  }
}
