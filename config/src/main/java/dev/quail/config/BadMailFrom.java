/*
 * control/badmailfrom (SMTP-22): envelope senders qmail-smtpd refuses at MAIL FROM. An entry is a whole
 * address, matched case-insensitively, or `@domain`, matched against the sender's text from its last '@'.
 * The empty sender `<>` never matches (bounces must always be accepted).
 */
package dev.quail.config;

import java.util.HashSet;
import java.util.Set;

public record BadMailFrom(Set<String> entries) {

    public BadMailFrom {
        Set<String> lower = new HashSet<>();
        for (String e : entries) lower.add(Ascii.lower(e));
        entries = Set.copyOf(lower);
    }

    public boolean matches(String sender) {
        if (sender.isEmpty()) return false;
        String s = Ascii.lower(sender);
        if (entries.contains(s)) return true;
        int at = s.lastIndexOf('@');
        return at >= 0 && entries.contains(s.substring(at));
    }
}
