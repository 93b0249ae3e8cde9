/*
 * The search keys qmail derives from a domain for its `domain:value` tables (virtualdomains RW-04/RW-07,
 * smtproutes REM-01): the whole domain, then each suffix starting at a '.', left to right (most specific
 * first: `.b.c` before `.c`), then the empty key. Keys are lower-cased because the tables' keys are.
 */
package dev.quail.config;

import java.util.ArrayList;
import java.util.List;

final class DomainKeys {
    private DomainKeys() {}

    static List<String> of(String domain) {
        String d = Ascii.lower(domain);
        List<String> keys = new ArrayList<>();
        keys.add(d);
        for (int i = 1; i < d.length(); i++) if (d.charAt(i) == '.') keys.add(d.substring(i));
        keys.add("");
        return keys;
    }
}
