/*
 * control/relayclients (Quail): the clients allowed to relay, one CIDR or bare IP per line, '#' comments.
 * It replaces qmail's RELAYCLIENT variable set per client by tcprules (SMTP-21), without the appended
 * value. Missing file ⇒ nobody relays. Lines that are not a valid network are ignored (so a typo can only
 * narrow who relays) and kept in {@link #invalid()} for showctl to point out.
 */
package dev.quail.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public record RelayClients(List<Cidr> networks, List<String> invalid) {

    public RelayClients {
        networks = List.copyOf(networks);
        invalid = List.copyOf(invalid);
    }

    public static RelayClients parse(List<String> lines) {
        List<Cidr> networks = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String line : lines) {
            Optional<Cidr> cidr = Cidr.parse(line.strip());
            if (cidr.isPresent()) networks.add(cidr.get());
            else invalid.add(line);
        }
        return new RelayClients(networks, invalid);
    }

    public boolean contains(InetAddress client) {
        for (Cidr network : networks) if (network.contains(client)) return true;
        return false;
    }
}
