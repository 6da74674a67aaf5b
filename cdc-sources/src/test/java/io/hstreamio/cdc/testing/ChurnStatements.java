package io.hstreamio.cdc.testing;

import java.util.Random;

/**
 * The statements a test writer runs against a table {@code (id, v, note)} whose rows have keys 3, 6, … 3·rows while
 * a snapshot reads it: updates, inserts into the gaps (upserting), deletes, key changes to fresh keys, and new rows,
 * drawn from a seeded {@link Random}. Not thread-safe: one writer each.
 */
public final class ChurnStatements {
    private final String table;
    private final boolean postgres;
    private final int rows;
    private final Random random;
    private long nextId;

    public ChurnStatements(String table, boolean postgres, int rows, long seed) {
        this.table = table;
        this.postgres = postgres;
        this.rows = rows;
        this.random = new Random(seed);
        this.nextId = rows * 3L + 10;
    }

    public String next() {
        long id = 3L * (1 + random.nextInt(rows));
        int op = random.nextInt(10);
        if (op < 5) {
            return "UPDATE " + table + " SET v = v + 1, note = 'upd' WHERE id = " + id;
        } else if (op < 7) {
            return "INSERT INTO " + table + " (id, v, note) VALUES (" + (id + 1) + ", 1, 'gap') "
                    + (postgres ? "ON CONFLICT (id) DO UPDATE SET v = " + table + ".v + 1"
                    : "ON DUPLICATE KEY UPDATE v = v + 1");
        } else if (op < 8) {
            return "DELETE FROM " + table + " WHERE id = " + id;
        } else if (op < 9) {
            // A key change moves the row to a fresh key, keeping its version story going.
            return "UPDATE " + table + " SET id = " + (nextId++) + ", v = v + 1 WHERE id = " + id;
        }
        return "INSERT INTO " + table + " (id, v, note) VALUES (" + (nextId++) + ", 1, 'new')";
    }
}
