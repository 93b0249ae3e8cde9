package dev.quail.engine;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.function.Predicate;

/**
 * qmail's ipme (remote delivery's MX check, SMTP's localiphost): is an address one of this host's? True for the
 * addresses of the network interfaces, read at each question so a changed interface counts at once, and for the
 * wildcard addresses 0.0.0.0 and :: (which reach this host, as netqmail added). Other loopback addresses
 * (127.0.0.2 ...) are not this host's unless an interface has them: qmail's view, and what lets loopback peers
 * stand in for remote hosts in tests.
 */
public final class LocalAddresses implements Predicate<InetAddress> {
    @Override
    public boolean test(InetAddress ip) {
        if (ip.isAnyLocalAddress()) return true;
        try {
            Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                Enumeration<InetAddress> addresses = interfaces.nextElement().getInetAddresses();
                while (addresses.hasMoreElements()) {
                    if (addresses.nextElement().equals(ip)) return true;
                }
            }
            return false;
        } catch (SocketException e) {
            // Unknown is treated as "not me": the delivery is then tried, and a loop shows up as mail loop hops.
            return false;
        }
    }
}
