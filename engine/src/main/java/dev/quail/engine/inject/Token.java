package dev.quail.engine.inject;

import java.util.ArrayList;
import java.util.List;

/**
 * One RFC 822 lexical token of a header field's value, as qmail's token822 sees them: an atom, a quoted string, a
 * domain literal, a comment, one of the specials {@code < > @ , ; : .}, or a run of white space (kept, so that a
 * rewritten field keeps its layout and folding). {@code text} is the token exactly as written.
 */
record Token(Kind kind, String text) {
    enum Kind { ATOM, QUOTE, LITERAL, COMMENT, SPECIAL, SPACE }

    private static final String SPECIALS = "<>@,;:.";

    boolean is(char special) {
        return kind == Kind.SPECIAL && text.charAt(0) == special;
    }

    /** Part of an address (not white space or a comment). */
    boolean significant() {
        return kind != Kind.SPACE && kind != Kind.COMMENT;
    }

    boolean word() {
        return kind == Kind.ATOM || kind == Kind.QUOTE || kind == Kind.LITERAL;
    }

    /** The token as it goes into an envelope address: quoted strings lose their quotes and escapes. */
    String unquoted() {
        if (kind != Kind.QUOTE) return text;
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() - 1) c = text.charAt(++i);
            b.append(c);
        }
        return b.toString();
    }

    /** @throws IllegalArgumentException for an unterminated quoted string, comment or domain literal */
    static List<Token> parse(String value) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            int end;
            Kind kind;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                end = i;
                while (end < value.length() && " \t\n\r".indexOf(value.charAt(end)) >= 0) end++;
                kind = Kind.SPACE;
            } else if (c == '"') {
                end = closing(value, i, '"');
                kind = Kind.QUOTE;
            } else if (c == '[') {
                end = closing(value, i, ']');
                kind = Kind.LITERAL;
            } else if (c == '(') {
                end = comment(value, i);
                kind = Kind.COMMENT;
            } else if (SPECIALS.indexOf(c) >= 0) {
                end = i + 1;
                kind = Kind.SPECIAL;
            } else {
                end = i;
                while (end < value.length() && atomChar(value.charAt(end))) end++;
                kind = Kind.ATOM;
            }
            out.add(new Token(kind, value.substring(i, end)));
            i = end;
        }
        return out;
    }

    private static boolean atomChar(char c) {
        return c > ' ' && c != 127 && SPECIALS.indexOf(c) < 0 && c != '"' && c != '[' && c != '(';
    }

    /** The index after the closing character, honouring backslash escapes. */
    private static int closing(String s, int start, char close) {
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == close) return i + 1;
        }
        throw new IllegalArgumentException("unterminated " + (close == '"' ? "quoted string" : "domain literal"));
    }

    private static int comment(String s, int start) {
        int depth = 0;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i + 1;
        }
        throw new IllegalArgumentException("unterminated comment");
    }
}
