package io.hstreamio.snapshot;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where a database is: {@code mysql://user:pass@host:port/db}, {@code mariadb://...},
 * {@code postgresql://user:pass@host:port/db[?schema=name]}, or a JDBC URL of those ({@code jdbc:mysql:},
 * {@code jdbc:mariadb:}, {@code jdbc:postgresql:}, with {@code user} and {@code password} as query parameters).
 * Immutable. {@link #toString()} never shows the password.
 *
 * @param kind     which server family
 * @param host     host name
 * @param port     port (3306 / 5432 when not given)
 * @param user     user; may be null for PostgreSQL (then the driver's default)
 * @param password password; null when none
 * @param database the database (MySQL: the schema holding the tables)
 * @param schema   PostgreSQL schema (default {@code public}); null for MySQL/MariaDB
 */
public record DatabaseUrl(Kind kind, String host, int port, String user, String password, String database,
                          String schema) {

    /** The server families; MySQL and MariaDB share one client (the MariaDB driver speaks the MySQL protocol). */
    public enum Kind {
        MYSQL, MARIADB, POSTGRESQL;

        public boolean isMySqlFamily() {
            return this != POSTGRESQL;
        }
    }

    public DatabaseUrl {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        if (kind == Kind.POSTGRESQL && schema == null) {
            schema = "public";
        }
    }

    /**
     * Parses a URL.
     *
     * @param what names the URL in messages, e.g. {@code "--from"}
     * @throws BadInputException naming what is wrong and the expected form
     */
    public static DatabaseUrl parse(String what, String url) {
        if (url == null || url.isBlank()) {
            throw new BadInputException(what + " is empty: give a URL like mysql://user:pass@host:3306/db or "
                    + "postgresql://user@host:5432/db");
        }
        String text = url.strip();
        if (text.startsWith("jdbc:")) {
            text = text.substring(5);
        }
        int colon = text.indexOf("://");
        String scheme = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
        Kind kind = switch (scheme) {
            case "mysql" -> Kind.MYSQL;
            case "mariadb" -> Kind.MARIADB;
            case "postgresql", "postgres" -> Kind.POSTGRESQL;
            default -> throw new BadInputException(what + " has " + (scheme.isEmpty() ? "no scheme" : "unknown scheme '"
                    + scheme + "'") + ": use mysql://, mariadb:// or postgresql:// (JDBC URLs of those work too)");
        };
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new BadInputException(what + " is not a valid URL (" + e.getReason() + "): percent-encode special "
                    + "characters in the password, e.g. @ as %40");
        }
        if (uri.getHost() == null) {
            throw new BadInputException(what + " names no host: write " + scheme + "://user@host:port/database");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new BadInputException(what + " names no database: write " + scheme + "://user@" + uri.getHost()
                    + "/database");
        }
        Map<String, String> query = query(uri.getRawQuery());
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int c = info.indexOf(':');
            user = decode(c < 0 ? info : info.substring(0, c));
            password = c < 0 ? null : decode(info.substring(c + 1));
        }
        user = query.getOrDefault("user", user);
        password = query.getOrDefault("password", password);
        int port = uri.getPort() > 0 ? uri.getPort() : kind == Kind.POSTGRESQL ? 5432 : 3306;
        String schema = kind == Kind.POSTGRESQL ? query.getOrDefault("schema", query.get("currentSchema")) : null;
        return new DatabaseUrl(kind, uri.getHost(), port, user, password, decode(database), schema);
    }

    /** The JDBC URL without credentials (they go as connection properties). */
    public String jdbcUrl() {
        return switch (kind) {
            case POSTGRESQL -> "jdbc:postgresql://" + host + ":" + port + "/" + database;
            case MYSQL, MARIADB -> "jdbc:mariadb://" + host + ":" + port + "/" + database;
        };
    }

    /** The same server with another database (and schema). */
    public DatabaseUrl withDatabase(String database, String schema) {
        return new DatabaseUrl(kind, host, port, user, password, database, schema);
    }

    /** Where, for messages: {@code postgresql://user@host:5432/db?schema=s}; never the password. */
    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + "://" + (user == null ? "" : user + "@") + host + ":" + port
                + "/" + database + (schema != null && !"public".equals(schema) ? "?schema=" + schema : "");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
