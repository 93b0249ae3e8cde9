/*
 * Parses IP address literals (dotted-quad IPv4, RFC 4291 text IPv6) without ever asking DNS: control files
 * name addresses, and a typo must not turn into a name lookup at load time. IPv4 is strict (four decimal
 * parts 0-255; Java's own parser also takes "10.1" or "0x7f.1"). IPv6 goes through InetAddress in
 * bracketed form, which the JDK only ever parses as a literal. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) comes back as the IPv4 address, as the JDK reports clients on a dual-stack socket.
 */
package dev.quail.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

public final class IpLiteral {
    private static final Pattern V4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IpLiteral() {}

    public static Optional<InetAddress> parse(String text) {
        try {
            if (V4.matcher(text).matches()) {
                String[] parts = text.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(parts[i]);
                    if (part > 255) return Optional.empty();
                    bytes[i] = (byte) part;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            if (V6.matcher(text).matches()) return Optional.of(InetAddress.getByName("[" + text + "]"));
        } catch (UnknownHostException notALiteral) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
