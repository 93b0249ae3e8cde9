/*
 * One network in CIDR notation (`192.0.2.0/24`, `2001:db8::/32`); a bare address is a /32 or /128.
 * Host bits set in the network part are ignored (`10.1.2.3/8` is 10.0.0.0/8). A network only contains
 * addresses of its own family: `0.0.0.0/0` is every IPv4 client, `::/0` every IPv6 client.
 */
package dev.quail.config;

import java.net.InetAddress;
import java.util.Optional;

public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix " + prefix + " for " + network);
    }

    public static Optional<Cidr> parse(String text) {
        int slash = text.indexOf('/');
        Optional<InetAddress> address = IpLiteral.parse(slash < 0 ? text : text.substring(0, slash));
        if (address.isEmpty()) return Optional.empty();
        int bits = address.get().getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}")) return Optional.empty();
            prefix = Integer.parseInt(p);
            if (prefix > bits) return Optional.empty();
        }
        return Optional.of(new Cidr(address.get(), prefix));
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (a[i] != n[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
