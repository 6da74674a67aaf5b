package io.hstreamio.sink.dialect;

import java.util.List;

/**
 * Statements that create a target table, and every lossy or risky aspect of them, for a dry run or a log.
 *
 * @param statements DDL in execution order
 * @param notes      one line per risk, naming the column and the cast
 */
public record DdlPlan(List<String> statements, List<String> notes) {
    public DdlPlan {
        statements = List.copyOf(statements);
        notes = List.copyOf(notes);
    }
}
