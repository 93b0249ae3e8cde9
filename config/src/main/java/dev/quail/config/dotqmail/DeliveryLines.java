/*
 * The lines qmail-local adds to a delivered message (QMAIL-REFERENCE §7.1), each a complete line ending in '\n':
 *  FMT-01 RPLINE `Return-Path: <sender>`, the sender's local part quoted as RFC 821/822 need (ADDR-03);
 *  FMT-02 DTLINE `Delivered-To: local@domain`, the address as received (after the virtual-domain prepend);
 *  FMT-03 UFLINE `From sender date` for mbox files: spaces, tabs and newlines in the sender become '-', an
 *         empty sender is MAILER-DAEMON, the date is GMT `Www Mmm DD HH:MM:SS YYYY` with a zero-padded day.
 * A newline inside RPLINE or DTLINE becomes '_' so that an address can never forge a header line.
 */
package dev.quail.config.dotqmail;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

public final class DeliveryLines {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private DeliveryLines() {}

    public static String dtline(String recipient) {
        return ("Delivered-To: " + recipient).replace('\n', '_') + "\n";
    }

    public static String rpline(String sender) {
        return ("Return-Path: <" + quote(sender)).replace('\n', '_') + ">\n";
    }

    public static String ufline(String sender, Instant when) {
        String who = sender.isEmpty() ? "MAILER-DAEMON"
                : sender.replace(' ', '-').replace('\t', '-').replace('\n', '-');
        return "From " + who + " " + ctime(when) + "\n";
    }

    /** FMT-03's date, {@code Www Mmm DD HH:MM:SS YYYY} in GMT, by hand: it is on every local delivery's path. */
    static String ctime(Instant when) {
        ZonedDateTime t = when.atZone(ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(24);
        b.append(DAYS[t.getDayOfWeek().ordinal()]).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        two(b, t.getDayOfMonth()).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(' ').append(t.getYear());
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    /**
     * ADDR-03 (qmail's quote2): the local part (before the last '@') is put in double quotes, with '\\', '"',
     * CR and LF escaped, when it is empty, has a byte outside RFC 821's atom characters or at or above 128,
     * or starts or ends with a dot or contains "..". The empty address stays empty.
     */
    public static String quote(String address) {
        if (address.isEmpty()) return address;
        int at = address.lastIndexOf('@');
        String box = at < 0 ? address : address.substring(0, at);
        String rest = at < 0 ? "" : address.substring(at);
        if (!needsQuotes(box)) return address;
        StringBuilder b = new StringBuilder("\"");
        for (char c : box.toCharArray()) {
            if (c == '\r' || c == '\n' || c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').append(rest).toString();
    }

    private static boolean needsQuotes(String box) {
        if (box.isEmpty() || box.startsWith(".") || box.endsWith(".") || box.contains("..")) return true;
        for (char c : box.toCharArray()) {
            boolean atom = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-./=?^_`{|}~".indexOf(c) >= 0;
            if (!atom) return true;
        }
        return false;
    }
}
