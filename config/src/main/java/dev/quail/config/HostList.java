/*
 * A set of host names as in rcpthosts/morercpthosts (SMTP-20): a domain matches if it equals an entry, or
 * if any suffix of it starting at a '.' equals an entry. So `.heaven.af.mil` covers every subdomain but
 * not heaven.af.mil itself, and `heaven.af.mil` covers only itself. Comparison is case-insensitive; the
 * empty domain (`user@`) matches nothing.
 */
package dev.quail.config;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

public record HostList(Set<String> entries) {

    public HostList {
        Set<String> lower = new HashSet<>();
        for (String e : entries) lower.add(Ascii.lower(e));
        entries = Set.copyOf(lower);
    }

    public static HostList of(Collection<String> entries) {
        return new HostList(Set.copyOf(entries));
    }

    public boolean matches(String domain) {
        String d = Ascii.lower(domain);
        for (int i = 0; i < d.length(); i++) {
            if ((i == 0 || d.charAt(i) == '.') && entries.contains(d.substring(i))) return true;
        }
        return false;
    }
}
