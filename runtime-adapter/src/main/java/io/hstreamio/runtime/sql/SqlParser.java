package io.hstreamio.runtime.sql;

import io.hstreamio.runtime.protocol.ConnectorKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runtime's SQL, by recursive descent. Keywords are case-insensitive; several statements are separated by
 * {@code ;}. Grammar (brackets optional, bars alternatives):
 *
 * <pre>
 * CREATE SOURCE CONNECTOR name FROM source [IF NOT EXIST[S]] WITH ( options )
 * CREATE SINK CONNECTOR name TO sink [IF NOT EXIST[S]] WITH ( options )
 * SHOW CONNECTORS | DESCRIBE CONNECTOR name | DROP CONNECTOR name [IF EXISTS] [WITH STREAM]
 * PAUSE CONNECTOR name | RESUME CONNECTOR name | ALTER CONNECTOR name SET ( options )
 * CREATE STREAM name [WITH ( options )] | SHOW STREAMS | DROP STREAM name [IF EXISTS]
 * options: key = value [, key = value]...    key: "quoted" | word    value: 'text' | "text" | number | TRUE | FALSE
 * name: word | "quoted"
 * </pre>
 *
 * Source and sink names are checked against the connectors given to the constructor, so an unknown one is a syntax
 * error listing those that exist. Stateless and thread-safe.
 */
public final class SqlParser {
    private final Set<String> sources;
    private final Set<String> sinks;

    public SqlParser(Set<String> sources, Set<String> sinks) {
        this.sources = Collections.unmodifiableSet(new TreeSet<>(sources));
        this.sinks = Collections.unmodifiableSet(new TreeSet<>(sinks));
    }

    /** Parses every statement; either all parse or a {@link SqlSyntaxException} names the first problem. */
    public List<Statement> parse(String sql) {
        return new Run(Lexer.tokens(sql)).statements();
    }

    private final class Run {
        private final List<Token> tokens;
        private int i;

        Run(List<Token> tokens) {
            this.tokens = tokens;
        }

        List<Statement> statements() {
            List<Statement> out = new ArrayList<>();
            while (true) {
                while (peek().kind() == Token.Kind.SEMICOLON) {
                    i++;
                }
                if (peek().kind() == Token.Kind.END) {
                    if (out.isEmpty()) {
                        throw error(peek(), "a statement (CREATE, SHOW, DESCRIBE, DROP, PAUSE, RESUME or ALTER)");
                    }
                    return out;
                }
                out.add(statement());
                Token t = peek();
                if (t.kind() != Token.Kind.SEMICOLON && t.kind() != Token.Kind.END) {
                    throw error(t, "';' or the end of the input");
                }
            }
        }

        private Statement statement() {
            Token t = peek();
            String verb = t.kind() == Token.Kind.WORD ? t.text().toUpperCase(java.util.Locale.ROOT) : "";
            switch (verb) {
                case "CREATE" -> {
                    i++;
                    Token what = next("SOURCE, SINK or STREAM", "SOURCE", "SINK", "STREAM");
                    if (what.isWord("STREAM")) {
                        String name = name("a stream name");
                        Map<String, Object> options = Map.of();
                        if (peek().isWord("WITH")) {
                            i++;
                            options = options();
                        }
                        return new Statement.CreateStream(name, options);
                    }
                    return createConnector(what.isWord("SOURCE") ? ConnectorKind.SOURCE : ConnectorKind.SINK);
                }
                case "SHOW" -> {
                    i++;
                    Token what = next("CONNECTORS or STREAMS", "CONNECTORS", "STREAMS");
                    return what.isWord("CONNECTORS") ? new Statement.ShowConnectors() : new Statement.ShowStreams();
                }
                case "DESCRIBE" -> {
                    i++;
                    keyword("CONNECTOR");
                    return new Statement.DescribeConnector(name("a connector name"));
                }
                case "DROP" -> {
                    i++;
                    Token what = next("CONNECTOR or STREAM", "CONNECTOR", "STREAM");
                    String name = name(what.isWord("CONNECTOR") ? "a connector name" : "a stream name");
                    boolean ifExists = false;
                    if (peek().isWord("IF")) {
                        i++;
                        keyword("EXISTS");
                        ifExists = true;
                    }
                    if (what.isWord("CONNECTOR")) {
                        boolean withStream = false;
                        if (peek().isWord("WITH")) {
                            i++;
                            keyword("STREAM");
                            withStream = true;
                        }
                        return new Statement.DropConnector(name, ifExists, withStream);
                    }
                    return new Statement.DropStream(name, ifExists);
                }
                case "PAUSE" -> {
                    i++;
                    keyword("CONNECTOR");
                    return new Statement.PauseConnector(name("a connector name"));
                }
                case "RESUME" -> {
                    i++;
                    keyword("CONNECTOR");
                    return new Statement.ResumeConnector(name("a connector name"));
                }
                case "ALTER" -> {
                    i++;
                    keyword("CONNECTOR");
                    String name = name("a connector name");
                    keyword("SET");
                    return new Statement.AlterConnector(name, options());
                }
                default -> throw error(t, "a statement (CREATE, SHOW, DESCRIBE, DROP, PAUSE, RESUME or ALTER)");
            }
        }

        private Statement createConnector(ConnectorKind kind) {
            keyword("CONNECTOR");
            String name = name("a connector name");
            boolean source = kind == ConnectorKind.SOURCE;
            keyword(source ? "FROM" : "TO");
            Set<String> known = source ? sources : sinks;
            Token target = peek();
            if (target.kind() != Token.Kind.WORD && target.kind() != Token.Kind.QUOTED
                    || !known.contains(target.text().toLowerCase(java.util.Locale.ROOT))) {
                throw error(target, "a " + kind.label() + " connector (" + String.join(", ", known) + ")");
            }
            i++;
            boolean ifNotExists = false;
            if (peek().isWord("IF")) {
                i++;
                keyword("NOT");
                next("EXIST or EXISTS", "EXIST", "EXISTS");
                ifNotExists = true;
            }
            keyword("WITH");
            return new Statement.CreateConnector(kind, name, target.text().toLowerCase(java.util.Locale.ROOT),
                    ifNotExists, options());
        }

        /** {@code ( key = value, ... )}; a key given twice is an error at its second place. */
        private Map<String, Object> options() {
            expect(Token.Kind.LPAREN, "'('");
            Map<String, Object> out = new LinkedHashMap<>();
            if (peek().kind() == Token.Kind.RPAREN) {
                i++;
                return out;
            }
            while (true) {
                Token key = peek();
                if (key.kind() != Token.Kind.QUOTED && key.kind() != Token.Kind.WORD) {
                    throw error(key, "an option name (\"name\")");
                }
                i++;
                expect(Token.Kind.EQUALS, "'=' after option \"" + key.text() + "\"");
                Object value = value(key.text());
                if (out.putIfAbsent(key.text(), value) != null) {
                    throw new SqlSyntaxException(key.line(), key.column(), "option \"" + key.text()
                            + "\" is given twice; give it once");
                }
                Token sep = peek();
                if (sep.kind() == Token.Kind.COMMA) {
                    i++;
                } else if (sep.kind() == Token.Kind.RPAREN) {
                    i++;
                    return out;
                } else {
                    throw error(sep, "',' or ')'");
                }
            }
        }

        private Object value(String key) {
            Token t = peek();
            Object v = switch (t.kind()) {
                case STRING, QUOTED, NUMBER -> t.value();
                case WORD -> t.isWord("TRUE") ? Boolean.TRUE : t.isWord("FALSE") ? Boolean.FALSE : null;
                default -> null;
            };
            if (v == null) {
                throw error(t, "a value for option \"" + key + "\" ('text', a number, TRUE or FALSE)");
            }
            i++;
            return v;
        }

        private String name(String what) {
            Token t = peek();
            if (t.kind() == Token.Kind.WORD || t.kind() == Token.Kind.QUOTED && !t.text().isBlank()) {
                i++;
                return t.text();
            }
            throw error(t, what);
        }

        private void keyword(String k) {
            next(k, k);
        }

        private Token next(String expected, String... keywords) {
            Token t = peek();
            for (String k : keywords) {
                if (t.isWord(k)) {
                    i++;
                    return t;
                }
            }
            throw error(t, expected);
        }

        private void expect(Token.Kind kind, String expected) {
            Token t = peek();
            if (t.kind() != kind) {
                throw error(t, expected);
            }
            i++;
        }

        private Token peek() {
            return tokens.get(i);
        }

        private SqlSyntaxException error(Token t, String expected) {
            return new SqlSyntaxException(t.line(), t.column(), "expected " + expected + ", found " + t.shown());
        }
    }
}
