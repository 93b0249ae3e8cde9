/*
 * Which RCPT TO addresses a client may give (qmail-smtpd's rcpthosts check, SMTP-20/21). A recipient is
 * accepted if
 *  - the client's IP is in control/relayclients (SMTP-21: qmail's RELAYCLIENT; any recipient goes), or
 *  - the recipient has no '@' (SMTP-13: it later gets envnoathost), or
 *  - its domain (after the last '@', case-insensitive) matches rcpthosts or morercpthosts (SMTP-20,
 *    {@link HostList} rules).
 * Quail is never an open relay: with no rcpthosts file the effective list is locals + virtualdomains
 * (see {@link Control}), and there is no switch to accept everything. localiphost (SMTP-12) must be applied
 * to the address before this check.
 */
package dev.quail.config;

import java.net.InetAddress;
import java.util.Optional;

public final class RelayPolicy {
    private final RelayClients relayclients;
    private final HostList rcpthosts;
    private final HostList morercpthosts;

    public RelayPolicy(Control control) {
        this.relayclients = control.relayclients();
        this.rcpthosts = control.rcpthosts();
        this.morercpthosts = control.morercpthosts();
    }

    /** SMTP-21: this client may send to any domain. */
    public boolean isRelayClient(InetAddress client) {
        return relayclients.contains(client);
    }

    public boolean accepts(InetAddress client, String recipient) {
        if (isRelayClient(client)) return true;
        Optional<String> domain = Ascii.domainOf(recipient);
        if (domain.isEmpty()) return true;
        return rcpthosts.matches(domain.get()) || morercpthosts.matches(domain.get());
    }
}
