package io.hstreamio.sink.schema;

import io.hstreamio.sink.dialect.TableRef;
import java.util.List;

/**
 * What the sink will do (or would do, in a dry run) to have a target table for one source table.
 *
 * @param target            the target table
 * @param action            create it, or use the existing one as it is
 * @param statements        DDL to run, in order; empty when the table is used as it is
 * @param notes             every lossy or risky cast, one line per column and cause
 * @param incompatibilities why an existing table cannot take the source's rows; empty when it can
 */
public record SchemaPlan(TableRef target, Action action, List<String> statements, List<String> notes,
                         List<String> incompatibilities) {

    public enum Action { CREATE, USE_EXISTING }

    public SchemaPlan {
        statements = List.copyOf(statements);
        notes = List.copyOf(notes);
        incompatibilities = List.copyOf(incompatibilities);
    }

    public boolean compatible() {
        return incompatibilities.isEmpty();
    }

    /** The plan as a dry run prints it: DDL, then risks, then incompatibilities. */
    public String describe() {
        StringBuilder sb = new StringBuilder("-- ").append(target).append(": ")
                .append(action == Action.CREATE ? "create" : "use existing table").append('\n');
        statements.forEach(s -> sb.append(s).append(";\n"));
        notes.forEach(n -> sb.append("-- risk: ").append(n).append('\n'));
        incompatibilities.forEach(n -> sb.append("-- INCOMPATIBLE: ").append(n).append('\n'));
        return sb.toString();
    }
}
