package io.hstreamio.runtime.server;

import java.util.List;

/**
 * A statement was refused (syntax, options, a name that does not exist or already does). The message is one line
 * naming the statement and the fix; statements before it ran and are in {@link #done()}, none after it did.
 */
public final class SqlExecutionException extends IllegalArgumentException {
    private final transient List<SqlResult> done;

    SqlExecutionException(String message, List<SqlResult> done, Throwable cause) {
        super(message, cause);
        this.done = List.copyOf(done);
    }

    public List<SqlResult> done() {
        return done;
    }
}
