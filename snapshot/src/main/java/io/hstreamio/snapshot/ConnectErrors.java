package io.hstreamio.snapshot;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/** Turns a failed connect into one line that names the fix. */
public final class ConnectErrors {
    private ConnectErrors() {}

    public static BadInputException describe(DatabaseUrl url, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = firstLine(e.getMessage());
        String where = url.host() + ":" + url.port();
        if (state.startsWith("28") || e.getErrorCode() == 1045) {
            return new BadInputException("login to " + url + " refused (" + reason + "): check the user and password",
                    e);
        }
        if (state.equals("3D000") || e.getErrorCode() == 1049) {
            return new BadInputException("database '" + url.database() + "' does not exist on " + where
                    + ": create it or fix the URL", e);
        }
        if (e.getErrorCode() == 1044 || state.equals("42501")) {
            return new BadInputException("user " + url.user() + " may not use database '" + url.database() + "' on "
                    + where + " (" + reason + "): grant access or use another user", e);
        }
        if (state.startsWith("08") || causedBy(e, ConnectException.class) || causedBy(e, UnknownHostException.class)) {
            return new BadInputException("cannot reach " + url.kind().name().toLowerCase() + " server at " + where
                    + " (" + reason + "): check host and port, and that the server runs", e);
        }
        return new BadInputException("cannot connect to " + url + ": " + reason + " (SQLState " + state + ")", e);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    static String firstLine(String m) {
        if (m == null) {
            return "no reason given";
        }
        String s = m.lines().findFirst().orElse("").strip();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
