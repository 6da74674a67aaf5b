package io.hstreamio.cdc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Where one snapshot chunk's SELECT stands relative to the change log, and so which change events its rows already
 * contain. Opened on the worker's connection right before the SELECT ({@link #open}); the SELECT then reads inside
 * the transaction the window began. Immutable once opened; read on the engine and task threads.
 */
abstract class ChunkWindow {

    /** Whether the change {@code event} is NOT contained in the chunk's rows; unsure counts as not contained. */
    abstract boolean after(long[] order, String transactionId);

    /**
     * Whether the stream, having reached {@code progress} or the watermark {@code marker}, has delivered every change
     * the chunk's rows contain, so that the rows may follow.
     */
    abstract boolean passedBy(long[] progress, String marker);

    /** Called after the SELECT, on the same connection, before its transaction ends. */
    abstract void close(Connection c) throws SQLException;

    /**
     * MySQL/MariaDB: {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and the binlog position that snapshot
     * corresponds to exactly (MariaDB's {@code binlog_snapshot_file/position}). MySQL has no such status; there the end
     * of the binlog read just before the snapshot began stands in, which can only place the window earlier: changes
     * the rows already hold then count as later ones, and their keys are left to the stream, which is safe.
     */
    static ChunkWindow openBinlog(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            long file;
            long pos;
            try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                if (!rs.next()) {
                    throw new SQLException("SHOW MASTER STATUS returned nothing: the binary log is off");
                }
                file = RecordMapper.fileNumber(rs.getString(1));
                pos = rs.getLong(2);
            }
            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String snapshotFile = null;
            String snapshotPos = null;
            try (ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    String name = rs.getString(1).toLowerCase(java.util.Locale.ROOT);
                    if (name.equals("binlog_snapshot_file")) {
                        snapshotFile = rs.getString(2);
                    } else if (name.equals("binlog_snapshot_position")) {
                        snapshotPos = rs.getString(2);
                    }
                }
            }
            if (snapshotFile != null && !snapshotFile.isEmpty() && snapshotPos != null) {
                file = RecordMapper.fileNumber(snapshotFile);
                pos = Long.parseLong(snapshotPos);
            }
            return new Binlog(file, pos);
        }
    }

    /**
     * PostgreSQL: a REPEATABLE READ transaction whose snapshot is taken by its first statement; a change is in the
     * rows exactly when its transaction is visible in that snapshot. The stream has passed the chunk once it delivers
     * the non-transactional watermark message written after the SELECT, since every visible transaction committed
     * before it in the WAL.
     */
    static ChunkWindow openPostgres(Connection c, String markerId) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_snapshot()::text")) {
            rs.next();
            return Postgres.parse(rs.getString(1), markerId);
        }
    }

    static final class Binlog extends ChunkWindow {
        private final long[] at;

        Binlog(long file, long pos) {
            this.at = new long[] {file, pos};
        }

        @Override
        boolean after(long[] order, String transactionId) {
            return order == null || order.length < 2 || Arrays.compare(order, 0, 2, at, 0, 2) >= 0;
        }

        @Override
        boolean passedBy(long[] progress, String marker) {
            return progress != null && progress.length >= 2 && Arrays.compare(progress, 0, 2, at, 0, 2) >= 0;
        }

        @Override
        void close(Connection c) throws SQLException {
            try (Statement st = c.createStatement()) {
                st.execute("COMMIT");
            }
        }

        @Override
        public String toString() {
            return "binlog " + at[0] + ":" + at[1];
        }
    }

    static final class Postgres extends ChunkWindow {
        private final long xmin;
        private final long xmax;
        private final Set<Long> inProgress;
        private final String markerId;

        private Postgres(long xmin, long xmax, Set<Long> inProgress, String markerId) {
            this.xmin = xmin;
            this.xmax = xmax;
            this.inProgress = inProgress;
            this.markerId = markerId;
        }

        /** {@code xmin:xmax:xip,...} of 64-bit xids; changes carry 32-bit xids, so compare modulo 2^32. */
        static Postgres parse(String snapshot, String markerId) {
            String[] parts = snapshot.split(":", -1);
            Set<Long> xip = new HashSet<>();
            if (parts.length > 2 && !parts[2].isEmpty()) {
                for (String x : parts[2].split(",")) {
                    xip.add(Long.parseLong(x.trim()) & 0xFFFF_FFFFL);
                }
            }
            return new Postgres(Long.parseLong(parts[0]) & 0xFFFF_FFFFL, Long.parseLong(parts[1]) & 0xFFFF_FFFFL,
                    xip, markerId);
        }

        @Override
        boolean after(long[] order, String transactionId) {
            if (transactionId == null) {
                return true;
            }
            long xid;
            try {
                xid = Long.parseLong(transactionId) & 0xFFFF_FFFFL;
            } catch (NumberFormatException e) {
                return true;
            }
            boolean beforeXmax = (int) (xid - xmax) < 0;
            return !beforeXmax || inProgress.contains(xid);
        }

        @Override
        boolean passedBy(long[] progress, String marker) {
            return markerId.equals(marker);
        }

        @Override
        void close(Connection c) throws SQLException {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_logical_emit_message(false, '" + RecordMapper.WATERMARK_PREFIX + "', '"
                        + markerId.replace("'", "''") + "')");
            }
        }

        @Override
        public String toString() {
            return "snapshot " + xmin + ":" + xmax + " marker " + markerId;
        }
    }
}
