/*
 * Recipients: the envelope recipients of every message from --to ADDRESS and --rcpts K.
 *
 *   K = 1                      ADDRESS itself.
 *   K > 1, "{n}" in ADDRESS    each "{n}" replaced by 1..K:   user-{n}@example.org -> user-1@..., user-K@...
 *   K > 1, otherwise           "+n" appended to the local part: rcpt@sink.test -> rcpt+1@sink.test ... rcpt+K@...
 *
 * "+" is the subaddress separator of Postfix and most stores; "{n}" serves qmail's "-" extensions and any
 * other scheme.
 */
package dev.quail.loadtest.generator;

import java.util.ArrayList;
import java.util.List;

public final class Recipients {

    private Recipients() {}

    public static List<String> of(String address, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one recipient, got " + count);
        }
        if (count == 1) {
            return List.of(address);
        }
        List<String> recipients = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            recipients.add(numbered(address, n));
        }
        return List.copyOf(recipients);
    }

    private static String numbered(String address, int n) {
        if (address.contains("{n}")) {
            return address.replace("{n}", Integer.toString(n));
        }
        int at = address.lastIndexOf('@');
        return at < 0 ? address + "+" + n : address.substring(0, at) + "+" + n + address.substring(at);
    }
}
