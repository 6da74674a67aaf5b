package io.hstreamio.sink.write;

/**
 * Rows of one table already written as COPY text ({@link TableWriter#encode}), so that the encoding can run on the
 * threads that read the rows while one connection only sends bytes. Immutable once made.
 */
public final class EncodedRows {
    private final byte[] bytes;
    private final int length;
    private final int rows;

    EncodedRows(byte[] bytes, int length, int rows) {
        this.bytes = bytes;
        this.length = length;
        this.rows = rows;
    }

    /** How many rows the text holds. */
    public int rows() {
        return rows;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }
}
