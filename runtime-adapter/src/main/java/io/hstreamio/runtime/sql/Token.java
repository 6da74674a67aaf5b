package io.hstreamio.runtime.sql;

/** One lexical token with where it starts (1-based line and column). */
record Token(Kind kind, String text, Object value, int line, int column) {
    enum Kind {
        /** A bare word: a keyword or a name. */
        WORD,
        /** "…": a key, a name, or (as older docs write them) a string value. */
        QUOTED,
        /** '…': a string value. */
        STRING,
        NUMBER,
        LPAREN,
        RPAREN,
        COMMA,
        EQUALS,
        SEMICOLON,
        END
    }

    /** How an error message shows this token. */
    String shown() {
        return switch (kind) {
            case END -> "the end of the input";
            case STRING -> "string '" + cut(text) + "'";
            case QUOTED -> "\"" + cut(text) + "\"";
            default -> "'" + cut(text) + "'";
        };
    }

    private static String cut(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }
}
