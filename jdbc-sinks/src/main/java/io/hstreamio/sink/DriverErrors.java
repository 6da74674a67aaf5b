package io.hstreamio.sink;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The one place where driver error messages are made fit for logs and one-line errors: row values (which may be
 * personal data or secrets) are cut out, what failed stays. Row values reach messages as pgjdbc's batch entries
 * ("Batch entry 0 INSERT ... VALUES ('...') was aborted"), PostgreSQL's DETAIL ("Key (email)=(x) already exists",
 * "Failing row contains (...)") and WHERE (a COPY line), values quoted in a primary message ("invalid input syntax for
 * type integer: "x"", "value "x" is out of range"), and MariaDB/MySQL's ("Duplicate entry 'x' for key 'email'",
 * "Incorrect integer value: 'x' for column"). The sinks' connections also keep them out at the source
 * ({@code logServerErrorDetail=false}, {@code dumpQueriesOnException=false}), which covers what the pool logs; this
 * covers messages built before those settings or by other connections (e.g. {@code load}'s).
 *
 * <p>Records sent to {@code task.error.stream} keep their values: they are data, not logs.
 */
public final class DriverErrors {
    static final String HIDDEN = "(value hidden)";

    /** "Batch entry 12 <statement with values> was aborted: reason". */
    private static final Pattern BATCH_ENTRY = Pattern.compile("^Batch entry (\\d+) ");
    /** PostgreSQL: a value quoted at the end of a message, after a colon. */
    private static final Pattern PG_TRAILING_VALUE = Pattern.compile(": \".*\"");
    private static final Pattern PG_VALUE_OUT_OF_RANGE = Pattern.compile("value \".*\" is out of range");
    /** MariaDB/MySQL: "Duplicate entry 'x' for key", "Incorrect integer value: 'x' for column". */
    private static final Pattern MY_DUPLICATE = Pattern.compile("Duplicate entry '.*' for key");
    private static final Pattern MY_VALUE = Pattern.compile("value: '.*' for column");
    /** PostgreSQL DETAIL of a unique violation: the key's columns, without their values. */
    private static final Pattern PG_KEY_DETAIL = Pattern.compile("^Key \\((.*?)\\)=\\(");

    private static final int MAX_LENGTH = 300;

    private DriverErrors() {}

    /**
     * One line describing {@code e} without row values: the server's reason (for a failed batch, the next exception,
     * which holds it), and for PostgreSQL the table, column, constraint and key columns the server names.
     */
    public static String describe(SQLException e) {
        SQLException reason = e.getNextException() != null ? e.getNextException() : e;
        String text = redact(reason.getMessage());
        Throwable cause = reason.getCause();
        if (cause != null && cause.getMessage() != null) {
            String c = redact(cause.getMessage());
            if (!text.contains(c)) {
                text += " (" + c + ")"; // e.g. the pool's timeout names only itself
            }
        }
        String where = serverContext(reason);
        if (!where.isEmpty()) {
            text += " [" + where + "]";
        }
        return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "..." : text;
    }

    /**
     * A copy of {@code e} and its causes and next exceptions whose messages are {@link #redact redacted}, with the
     * same SQLState, vendor code and stack traces: what a {@link SinkException} carries as its cause, since runners
     * log causes and build error text from the root cause's message.
     */
    public static SQLException redacted(SQLException e) {
        return copy(e, 0);
    }

    private static SQLException copy(SQLException e, int depth) {
        String where = serverContext(e);
        SQLException out = new RedactedSqlException(redact(e.getMessage()) + (where.isEmpty() ? "" : " [" + where + "]"),
                e.getSQLState(), e.getErrorCode());
        out.setStackTrace(e.getStackTrace());
        if (depth < 8) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException s) {
                out.initCause(copy(s, depth + 1));
            } else if (cause != null) {
                RuntimeException c = new RuntimeException(cause.getClass().getSimpleName() + ": "
                        + redact(cause.getMessage()));
                c.setStackTrace(cause.getStackTrace());
                out.initCause(c);
            }
            SQLException next = e.getNextException();
            if (next != null && next != cause) {
                out.setNextException(copy(next, depth + 1));
            }
        }
        return out;
    }

    /** The first line of a driver message with row values replaced by {@value #HIDDEN}. */
    static String redact(String message) {
        if (message == null) {
            return "no message";
        }
        String s = message.lines().findFirst().orElse("").strip();
        Matcher batch = BATCH_ENTRY.matcher(s);
        if (batch.find()) {
            // The statement with its values runs up to the last " was aborted" (a value may contain those words).
            int end = s.lastIndexOf(" was aborted");
            s = "Batch entry " + batch.group(1) + (end > 0 ? s.substring(end) : " failed");
        }
        s = PG_TRAILING_VALUE.matcher(s).replaceAll(Matcher.quoteReplacement(": " + HIDDEN));
        s = PG_VALUE_OUT_OF_RANGE.matcher(s).replaceAll(Matcher.quoteReplacement("value " + HIDDEN
                + " is out of range"));
        s = MY_DUPLICATE.matcher(s).replaceAll(Matcher.quoteReplacement("Duplicate entry " + HIDDEN + " for key"));
        s = MY_VALUE.matcher(s).replaceAll(Matcher.quoteReplacement("value: " + HIDDEN + " for column"));
        return s;
    }

    /** What PostgreSQL says the error is about, by name only: "table s.t, constraint c, key columns (email)". */
    private static String serverContext(SQLException e) {
        if (!(e instanceof PSQLException p) || p.getServerErrorMessage() == null) {
            return "";
        }
        ServerErrorMessage m = p.getServerErrorMessage();
        StringBuilder sb = new StringBuilder();
        if (m.getTable() != null) {
            sb.append("table ").append(m.getSchema() != null ? m.getSchema() + "." : "").append(m.getTable());
        }
        if (m.getColumn() != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("column ").append(m.getColumn());
        }
        if (m.getConstraint() != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("constraint ").append(m.getConstraint());
        }
        if (m.getDetail() != null) {
            Matcher k = PG_KEY_DETAIL.matcher(m.getDetail());
            if (k.find()) {
                sb.append(sb.isEmpty() ? "" : ", ").append("key columns (").append(k.group(1)).append(")");
            }
        }
        return sb.toString();
    }

    /** A driver exception with its row values cut out. */
    static final class RedactedSqlException extends SQLException {
        RedactedSqlException(String message, String state, int code) {
            super(message, state, code);
        }
    }
}
