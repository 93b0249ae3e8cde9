/*
 * Envelope recipient rewriting, as qmail-send does it once per recipient at preprocessing (QMAIL-REFERENCE
 * §5.2), in this order:
 *  RW-01 no '@' ⇒ append "@" + envnoathost. The domain is the text after the last '@'.
 *  RW-02 while the domain is in percenthack and the local part has a '%': the last '%' becomes the '@'
 *        and the old domain is dropped (u%h%g@relay → u%h@g, and again if g is in percenthack).
 *  RW-03 domain in locals (case-insensitive) ⇒ local, unchanged. So is a domain in serialhosts (Quail): its
 *        mail is kept in its serialmail Maildir, as qmail's virtualdomains entry for it delivered to one.
 *  RW-04 virtualdomains (see {@link VirtualDomains}): non-empty prepend P ⇒ local as "P-" + address;
 *        an empty prepend, or no key, ⇒ not virtual.
 *  RW-05 everything else is remote, unchanged; nothing is ever lower-cased.
 * RW-07 {@link #unprepend} undoes the prepend for bounce texts.
 */
package dev.quail.config;

import java.util.Optional;
import java.util.Set;

public final class Rewriter {
    private final String envnoathost;
    private final Set<String> percenthack;
    private final Set<String> locals;
    private final VirtualDomains virtualdomains;
    private final SerialHosts serialhosts;

    public Rewriter(Control control) {
        this.envnoathost = control.envnoathost();
        this.percenthack = control.percenthack();
        this.locals = control.locals();
        this.virtualdomains = control.virtualdomains();
        this.serialhosts = control.serialhosts();
    }

    public Routed route(String recipient) {
        String address = recipient.indexOf('@') < 0 ? recipient + "@" + envnoathost : recipient;
        int at = address.lastIndexOf('@');
        while (percenthack.contains(Ascii.lower(address.substring(at + 1)))) {
            int percent = address.lastIndexOf('%', at - 1);
            if (percent < 0) break;
            address = address.substring(0, percent) + "@" + address.substring(percent + 1, at);
            at = percent;
        }
        String domain = Ascii.lower(address.substring(at + 1));
        if (locals.contains(domain) || serialhosts.listed(domain).isPresent()) return new Routed(address, true);
        Optional<String> prepend = virtualdomains.prepend(address);
        if (prepend.isPresent() && !prepend.get().isEmpty()) return new Routed(prepend.get() + "-" + address, true);
        return new Routed(address, false);
    }

    /**
     * RW-07: if the address's domain maps to prepend P (domain keys only, as qmail-send's
     * stripvdomprepend) and the address starts with "P-" (case-sensitive), the address without "P-".
     */
    public String unprepend(String address) {
        Optional<String> domain = Ascii.domainOf(address);
        if (domain.isEmpty()) return address;
        Optional<String> prepend = virtualdomains.prependForDomain(domain.get());
        if (prepend.isEmpty() || prepend.get().isEmpty()) return address;
        String p = prepend.get() + "-";
        return address.startsWith(p) ? address.substring(p.length()) : address;
    }
}
