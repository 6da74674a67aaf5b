package io.hstreamio.cdc;

import io.hstreamio.cdc.internal.Preflight;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.task.CheckResult;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.task.SourceTask;

/**
 * The CDC sources {@code mysql}, {@code mariadb} and {@code postgresql}. Stateless; found through
 * {@link java.util.ServiceLoader} by the nested public classes.
 */
public abstract class CdcSourceConnector implements SourceConnector {
    private final String kind;
    private final OptionsDefinition options;

    private CdcSourceConnector(String kind, OptionsDefinition options) {
        this.kind = kind;
        this.options = options;
    }

    @Override
    public String name() {
        return kind;
    }

    @Override
    public OptionsDefinition options() {
        return options;
    }

    @Override
    public SourceTask createTask() {
        return new CdcSourceTask(kind);
    }

    @Override
    public CheckResult check(Options o) {
        try {
            Preflight.check(CdcOptions.toConfig("check", kind, o));
            return CheckResult.ok();
        } catch (Preflight.PreflightException e) {
            return CheckResult.failed(e.type(), e.getMessage());
        }
    }

    /** A PostgreSQL source's slot and publication are named after the task; binlog sources keep nothing on the server. */
    @Override
    public void release(Options o, String taskId) throws Exception {
        if ("postgresql".equals(kind)) {
            io.hstreamio.cdc.internal.PostgresSlots.drop(CdcOptions.toConfig(taskId, kind, o));
        }
    }

    /** {@code mysql}: a MySQL server, or a MariaDB server, which it detects and reads with the MariaDB connector. */
    public static final class MySql extends CdcSourceConnector {
        public MySql() {
            super("mysql", CdcOptions.binlog("mysql source"));
        }
    }

    public static final class MariaDb extends CdcSourceConnector {
        public MariaDb() {
            super("mariadb", CdcOptions.binlog("mariadb source"));
        }
    }

    /** {@code postgresql}: logical decoding with pgoutput. */
    public static final class Postgres extends CdcSourceConnector {
        public Postgres() {
            super("postgresql", CdcOptions.postgres("postgresql source"));
        }
    }
}
