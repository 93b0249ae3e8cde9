/*
 * Quote: an address as qmail-remote puts it between < and > (REM-15, ADDR-03). The local part (before
 * the last '@') is sent as it is when it is a dot-atom of RFC 821 atom characters; otherwise (empty,
 * other characters, octets >= 128, a leading or trailing dot, "..") it is quoted, with '\' before
 * '"', '\', CR and LF. An address without '@' is sent unchanged, as qmail does.
 */
package dev.quail.protocols.smtpclient;

final class Quote {
    private static final String ATOM = "!#$%&'*+-/=?^_`{|}~.";

    private Quote() {}

    static String address(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) return address;
        String local = address.substring(0, at);
        return (needsQuotes(local) ? quoted(local) : local) + address.substring(at);
    }

    private static boolean needsQuotes(String local) {
        if (local.isEmpty()) return true;
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean atom = c < 128 && (Character.isLetterOrDigit(c) || ATOM.indexOf(c) >= 0);
            if (!atom) return true;
        }
        return local.startsWith(".") || local.endsWith(".") || local.contains("..");
    }

    private static String quoted(String local) {
        StringBuilder b = new StringBuilder(local.length() + 2).append('"');
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '"' || c == '\\' || c == '\r' || c == '\n') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }
}
