/*
 * control/virtualdomains: `[user@]domain:prepend` lines (CTL-03 map rules; keys case-insensitive).
 * RW-04 search for an address user@domain: the key `user@domain`, the domain, each '.'-suffix of the
 * domain (`.b.c` before `.c`), then the empty key; the first key present decides. A present key with an
 * empty prepend means "not virtual" (an exception to a wider entry). RW-07 searches the domain keys only.
 */
package dev.quail.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

public record VirtualDomains(Map<String, String> entries) {

    public VirtualDomains {
        Map<String, String> lower = new LinkedHashMap<>();
        entries.forEach((k, v) -> lower.put(Ascii.lower(k), v));
        entries = Collections.unmodifiableMap(lower);
    }

    /** RW-04: the prepend of the first key found for {@code address}; present-but-empty means not virtual. */
    public Optional<String> prepend(String address) {
        String lower = Ascii.lower(address);
        if (entries.containsKey(lower)) return Optional.of(entries.get(lower));
        return Ascii.domainOf(address).flatMap(this::prependForDomain);
    }

    /** The first of the domain's keys (RW-07, no `user@domain` key) found in the table. */
    public Optional<String> prependForDomain(String domain) {
        for (String key : DomainKeys.of(domain)) {
            if (entries.containsKey(key)) return Optional.of(entries.get(key));
        }
        return Optional.empty();
    }

    /**
     * The domains and '.'-suffixes this table routes to a virtual user, used as rcpthosts when that file is
     * missing. The empty catch-all key is left out: it would make Quail accept mail for every domain.
     */
    public Set<String> acceptedDomains() {
        Set<String> domains = new TreeSet<>();
        entries.forEach((key, prepend) -> {
            String domain = key.substring(key.lastIndexOf('@') + 1);
            if (!prepend.isEmpty() && !domain.isEmpty()) domains.add(domain);
        });
        return domains;
    }

    List<String> lines() {
        return entries.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList();
    }
}
