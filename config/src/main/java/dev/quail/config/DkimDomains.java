/*
 * control/dkimdomains: which author domains are signed, and with which key. One `domain:selector` a line, as
 * smtproutes is keyed: `example.com:s1` signs mail whose From (or Sender) domain is example.com with
 * control/dkim/example.com/s1 (qmail's DKIM add-ons kept one directory of keys per domain the same way), and
 * `.example.com:s1` signs its subdomains with example.com's key, d=example.com, which aligns under DMARC's
 * relaxed rule. The most specific line wins; without a matching line nothing is signed.
 */
package dev.quail.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

public record DkimDomains(Map<String, String> selectors) {

    /** The key to sign with: d= {@code domain}, s= {@code selector}. */
    public record Signing(String domain, String selector) {}

    public DkimDomains {
        selectors = Map.copyOf(selectors);
    }

    public Optional<Signing> forAuthor(String authorDomain) {
        for (String key : DomainKeys.of(authorDomain)) {
            if (key.isEmpty()) break; // a catch-all key would sign every domain with one key: never a DKIM intent
            String selector = selectors.get(key);
            if (selector != null && !selector.isBlank()) {
                return Optional.of(new Signing(key.startsWith(".") ? key.substring(1) : key, selector.strip()));
            }
        }
        return Optional.empty();
    }

    public List<String> lines() {
        return selectors.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).sorted().toList();
    }
}
