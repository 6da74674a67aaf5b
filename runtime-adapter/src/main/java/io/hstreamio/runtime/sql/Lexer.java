package io.hstreamio.runtime.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Splits SQL text into tokens; {@code --} starts a comment to the end of the line. */
final class Lexer {
    private final String s;
    private int pos;
    private int line = 1;
    private int col = 1;

    private Lexer(String s) {
        this.s = s;
    }

    static List<Token> tokens(String sql) {
        Lexer l = new Lexer(sql);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = l.next();
            out.add(t);
        } while (t.kind() != Token.Kind.END);
        return out;
    }

    private Token next() {
        skipSpaceAndComments();
        if (pos >= s.length()) {
            return new Token(Token.Kind.END, "", null, line, col);
        }
        int startLine = line;
        int startCol = col;
        char c = s.charAt(pos);
        switch (c) {
            case '(' -> {
                advance();
                return new Token(Token.Kind.LPAREN, "(", null, startLine, startCol);
            }
            case ')' -> {
                advance();
                return new Token(Token.Kind.RPAREN, ")", null, startLine, startCol);
            }
            case ',' -> {
                advance();
                return new Token(Token.Kind.COMMA, ",", null, startLine, startCol);
            }
            case '=' -> {
                advance();
                return new Token(Token.Kind.EQUALS, "=", null, startLine, startCol);
            }
            case ';' -> {
                advance();
                return new Token(Token.Kind.SEMICOLON, ";", null, startLine, startCol);
            }
            case '\'', '"' -> {
                String text = quoted(c, startLine, startCol);
                return new Token(c == '\'' ? Token.Kind.STRING : Token.Kind.QUOTED, text, text, startLine, startCol);
            }
            default -> {
                if (Character.isDigit(c) || (c == '-' || c == '+') && pos + 1 < s.length()
                        && Character.isDigit(s.charAt(pos + 1))) {
                    return number(startLine, startCol);
                }
                if (Character.isLetter(c) || c == '_') {
                    int start = pos;
                    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                        advance();
                    }
                    String word = s.substring(start, pos);
                    return new Token(Token.Kind.WORD, word, word, startLine, startCol);
                }
                throw new SqlSyntaxException(startLine, startCol, "unexpected character '" + c + "'");
            }
        }
    }

    private Token number(int startLine, int startCol) {
        int start = pos;
        advance();
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
            advance();
        }
        String text = s.substring(start, pos);
        if (pos < s.length() && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '_')) {
            throw new SqlSyntaxException(line, col, "expected a number, found '" + text + s.charAt(pos)
                    + "...'; quote text values with '...'");
        }
        try {
            BigDecimal d = new BigDecimal(text);
            Object value = d.scale() <= 0 ? toWhole(d) : d;
            return new Token(Token.Kind.NUMBER, text, value, startLine, startCol);
        } catch (NumberFormatException e) {
            throw new SqlSyntaxException(startLine, startCol, "expected a number, found '" + text + "'");
        }
    }

    private static Object toWhole(BigDecimal d) {
        try {
            long v = d.longValueExact();
            return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
        } catch (ArithmeticException tooBig) {
            return d.toBigInteger();
        }
    }

    /** A quoted text; the quote character doubled stands for itself ('it''s'). */
    private String quoted(char q, int startLine, int startCol) {
        advance();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw new SqlSyntaxException(startLine, startCol, "expected a closing " + q
                        + " for the text that starts here, found the end of the input");
            }
            char c = s.charAt(pos);
            advance();
            if (c == q) {
                if (pos < s.length() && s.charAt(pos) == q) {
                    sb.append(q);
                    advance();
                    continue;
                }
                return sb.toString();
            }
            sb.append(c);
        }
    }

    private void skipSpaceAndComments() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (Character.isWhitespace(c)) {
                advance();
            } else if (c == '-' && pos + 1 < s.length() && s.charAt(pos + 1) == '-') {
                while (pos < s.length() && s.charAt(pos) != '\n') {
                    advance();
                }
            } else {
                return;
            }
        }
    }

    private void advance() {
        if (s.charAt(pos) == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        pos++;
    }
}
