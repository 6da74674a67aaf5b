package io.hstreamio.runtime.sql;

import io.hstreamio.runtime.protocol.ConnectorKind;
import java.util.Map;

/** One parsed statement of the runtime's SQL. Option maps keep the order written; values are String, Number or Boolean. */
public sealed interface Statement {
    /** The statement's keywords, e.g. {@code CREATE SOURCE CONNECTOR}: how results and errors name it. */
    String verb();

    record CreateConnector(ConnectorKind kind, String name, String target, boolean ifNotExists,
            Map<String, Object> options) implements Statement {
        public String verb() {
            return "CREATE " + kind.name() + " CONNECTOR";
        }
    }

    record ShowConnectors() implements Statement {
        public String verb() {
            return "SHOW CONNECTORS";
        }
    }

    record DescribeConnector(String name) implements Statement {
        public String verb() {
            return "DESCRIBE CONNECTOR";
        }
    }

    /** @param withStream also drop the connector's stream, unless another connector uses it */
    record DropConnector(String name, boolean ifExists, boolean withStream) implements Statement {
        public String verb() {
            return "DROP CONNECTOR";
        }
    }

    record PauseConnector(String name) implements Statement {
        public String verb() {
            return "PAUSE CONNECTOR";
        }
    }

    record ResumeConnector(String name) implements Statement {
        public String verb() {
            return "RESUME CONNECTOR";
        }
    }

    record AlterConnector(String name, Map<String, Object> options) implements Statement {
        public String verb() {
            return "ALTER CONNECTOR";
        }
    }

    record CreateStream(String name, Map<String, Object> options) implements Statement {
        public String verb() {
            return "CREATE STREAM";
        }
    }

    record ShowStreams() implements Statement {
        public String verb() {
            return "SHOW STREAMS";
        }
    }

    record DropStream(String name, boolean ifExists) implements Statement {
        public String verb() {
            return "DROP STREAM";
        }
    }
}
