package dev.quail.engine.inject;

import dev.quail.config.Ascii;
import dev.quail.config.dotqmail.DeliveryLines;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * qmail-inject's address rewriting (qmail-header(5), HDR-02), applied to every address of the sender and recipient
 * fields and to the envelope addresses (-f, recipient arguments), in qmail's order:
 * <ol>
 * <li>{@code <>} and {@code <x@[]>} are left alone; a source route {@code @a,@b:} is dropped (ADDR-04); a trailing
 *     '.' or '@' is dropped;</li>
 * <li>a lone box gets {@code @defaulthost};</li>
 * <li>a host ending in '+' loses the '+' and gets {@code .plusdomain};</li>
 * <li>a host without a dot (and not a [literal]) gets {@code .defaultdomain}. Quail departure: not when the host is
 *     one of control/locals, so {@code joe@localhost} stays local (qmail would make it localhost.defaultdomain).</li>
 * </ol>
 * In a field, only the address tokens are replaced: display names, comments and folding stay as written. A list
 * whose addresses are separated by spaces only ({@code To: joe fred@x}) gets commas inserted, as qmail does.
 * The defaults come from the control files, overridden by QMAILDEFAULTHOST, QMAILDEFAULTDOMAIN, QMAILPLUSDOMAIN.
 */
record AddressRewriting(String defaulthost, String defaultdomain, String plusdomain, Set<String> locals) {

    /** A field value with its addresses rewritten, and those addresses in envelope form. */
    record Field(String value, List<String> addresses) {}

    /** An envelope address (recipient argument, -f): quoted as needed, parsed, rewritten, unquoted. */
    String envelope(String address) {
        List<Token> tokens = significant(Token.parse(DeliveryLines.quote(address)));
        return unquote(rewrite(tokens));
    }

    /** @throws IllegalArgumentException when the value cannot be parsed */
    Field field(String value) {
        List<Token> tokens = Token.parse(value);
        StringBuilder out = new StringBuilder();
        List<String> addresses = new ArrayList<>();
        List<Token> item = new ArrayList<>();
        int angle = 0;
        for (Token t : tokens) {
            if (t.is('<')) angle++;
            if (t.is('>') && angle > 0) angle--;
            boolean ends = angle == 0 && (t.is(',') || t.is(';') || t.is(':'));
            if (!ends) {
                item.add(t);
                continue;
            }
            if (t.is(':')) out.append(join(item)); // a group's name, not an address
            else item(item, out, addresses);
            out.append(t.text());
            item.clear();
        }
        item(item, out, addresses);
        return new Field(out.toString(), List.copyOf(addresses));
    }

    /** One comma-separated entry: a route-addr in angle brackets, or one or more bare addr-specs. */
    private void item(List<Token> item, StringBuilder out, List<String> addresses) {
        int open = indexOf(item, '<');
        if (open >= 0) {
            int close = open + 1;
            while (close < item.size() && !item.get(close).is('>')) close++;
            List<Token> inner = item.subList(open + 1, close);
            List<Token> addr = significant(inner);
            out.append(join(item.subList(0, open + 1)));
            if (addr.isEmpty()) {
                out.append(join(inner));
            } else {
                List<Token> rewritten = rewrite(addr);
                out.append(join(rewritten));
                if (!rewritten.isEmpty()) addresses.add(unquote(rewritten));
            }
            out.append(join(item.subList(close, item.size())));
            return;
        }
        int i = 0;
        boolean first = true;
        while (i < item.size()) {
            int start = i;
            while (start < item.size() && !item.get(start).significant()) start++;
            if (start < item.size() && !first) out.append(',');
            out.append(join(item.subList(i, start)));
            if (start == item.size()) break;
            int end = start + 1; // a new address starts where two words meet with only space or comments between
            int lastSignificant = start;
            while (end < item.size()) {
                Token t = item.get(end);
                if (t.significant()) {
                    if (t.word() && item.get(lastSignificant).word()) break;
                    lastSignificant = end;
                }
                end++;
            }
            first = false;
            List<Token> rewritten = rewrite(significant(item.subList(start, lastSignificant + 1)));
            out.append(join(rewritten));
            if (!rewritten.isEmpty()) addresses.add(unquote(rewritten));
            i = lastSignificant + 1;
        }
    }

    /** HDR-02 on the significant tokens of one address. */
    List<Token> rewrite(List<Token> addr) {
        List<Token> a = new ArrayList<>(addr);
        if (a.isEmpty()) return a;
        int n = a.size();
        if (n >= 2 && a.get(n - 2).is('@') && a.get(n - 1).text().equals("[]")) return a; // <x@[]>
        if (a.get(0).is('@')) { // source route
            int colon = indexOf(a, ':');
            if (colon < 0) return List.of();
            a.subList(0, colon + 1).clear();
            if (a.isEmpty()) return a;
        }
        if (a.get(a.size() - 1).is('.')) a.remove(a.size() - 1);
        if (a.isEmpty()) return a;
        if (a.get(a.size() - 1).is('@')) a.remove(a.size() - 1);
        if (a.isEmpty()) return a;
        if (indexOf(a, '@') < 0) append(a, "@" + defaulthost);
        Token last = a.get(a.size() - 1);
        if (last.kind() == Token.Kind.ATOM && last.text().endsWith("+")) {
            a.set(a.size() - 1, new Token(Token.Kind.ATOM, last.text().substring(0, last.text().length() - 1)));
            append(a, "." + plusdomain);
        }
        int at = a.size() - 1;
        boolean dotOrLiteral = false;
        for (; at >= 0 && !a.get(at).is('@'); at--) {
            dotOrLiteral |= a.get(at).is('.') || a.get(at).kind() == Token.Kind.LITERAL;
        }
        if (!dotOrLiteral && !locals.contains(Ascii.lower(join(a.subList(at + 1, a.size()))))) {
            append(a, "." + defaultdomain);
        }
        return a;
    }

    private static void append(List<Token> address, String text) {
        address.addAll(significant(Token.parse(text)));
    }

    private static int indexOf(List<Token> tokens, char special) {
        for (int i = 0; i < tokens.size(); i++) if (tokens.get(i).is(special)) return i;
        return -1;
    }

    private static List<Token> significant(List<Token> tokens) {
        return tokens.stream().filter(Token::significant).toList();
    }

    private static String join(List<Token> tokens) {
        StringBuilder b = new StringBuilder();
        for (Token t : tokens) b.append(t.text());
        return b.toString();
    }

    private static String unquote(List<Token> tokens) {
        StringBuilder b = new StringBuilder();
        for (Token t : tokens) b.append(t.unquoted());
        return b.toString();
    }
}
