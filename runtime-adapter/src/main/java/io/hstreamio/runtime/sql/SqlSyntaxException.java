package io.hstreamio.runtime.sql;

/**
 * A statement that does not parse. The message is one line: {@code line L, column C: expected X, found Y}, with
 * line and column 1-based and pointing at the offending token.
 */
public final class SqlSyntaxException extends IllegalArgumentException {
    private final int line;
    private final int column;

    SqlSyntaxException(int line, int column, String problem) {
        super("line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
