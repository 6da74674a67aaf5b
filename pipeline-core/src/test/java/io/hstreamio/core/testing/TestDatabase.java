package io.hstreamio.core.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One database created for one test class: where it is, how to log in, and small helpers to run SQL. Each helper
 * opens and closes its own connection, so a handle can be used from any thread.
 */
public final class TestDatabase {

  private final ServerAddress server;
  private final String name;

  TestDatabase(ServerAddress server, String name) {
    this.server = server;
    this.name = name;
  }

  public DatabaseEngine engine() {
    return server.engine();
  }

  public String host() {
    return server.host();
  }

  public int port() {
    return server.port();
  }

  public String user() {
    return server.user();
  }

  public String password() {
    return server.password();
  }

  /** The database's name, {@code t_<class>_<random>}. */
  public String name() {
    return name;
  }

  public ServerAddress server() {
    return server;
  }

  public String jdbcUrl() {
    return server.jdbcUrl(name);
  }

  /** A new connection to this database; the caller closes it. */
  public Connection open() throws SQLException {
    return TestDatabaseServers.connect(server, jdbcUrl());
  }

  /** Runs each statement in order (DDL or DML, no result sets), in auto-commit mode. */
  public void execute(String... statements) throws SQLException {
    try (Connection c = open(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        try {
          s.execute(sql);
        } catch (SQLException e) {
          throw new SQLException("on " + this + ": " + e.getMessage() + " in: " + sql, e.getSQLState(), e);
        }
      }
    }
  }

  /** Rows of a query with {@code ?} parameters, each a map from column label to value in column order. */
  public List<Map<String, Object>> query(String sql, Object... parameters) throws SQLException {
    try (Connection c = open(); PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        p.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = p.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int column = 1; column <= meta.getColumnCount(); column++) {
            row.put(meta.getColumnLabel(column), rs.getObject(column));
          }
          rows.add(row);
        }
        return rows;
      }
    }
  }

  /**
   * The rows of a query as lists of values, integers of every width as {@code Long} (the servers disagree on their
   * Java types), so that two servers' rows compare with {@code equals}.
   */
  public List<List<Object>> rows(String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    for (Map<String, Object> row : query(sql)) {
      List<Object> r = new ArrayList<>();
      for (Object v : row.values()) {
        r.add(v instanceof Number n && !(v instanceof java.math.BigDecimal) ? n.longValue() : v);
      }
      out.add(r);
    }
    return out;
  }

  /** The first column of a query that returns exactly one row. */
  public Object queryValue(String sql, Object... parameters) throws SQLException {
    List<Map<String, Object>> rows = query(sql, parameters);
    if (rows.size() != 1) {
      throw new IllegalStateException("expected one row from " + sql + " on " + this + ", got " + rows.size());
    }
    return rows.get(0).values().iterator().next();
  }

  @Override
  public String toString() { // never the password
    return server.engine().displayName() + " database " + name + " on " + server.hostAndPort();
  }
}
