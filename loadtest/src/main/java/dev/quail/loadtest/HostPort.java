/*
 * HostPort: a HOST:PORT command-line value (--target, --listen, --wait-sink); [v6]:port for IPv6.
 * A bad value is a picocli usage error, so the command exits 100 as every quail command does.
 */
package dev.quail.loadtest;

import java.net.InetSocketAddress;
import picocli.CommandLine;

public record HostPort(String host, int port) {

    public static final class Converter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            return parse(value);
        }
    }

    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CommandLine.TypeConversionException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host, port);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("bad port in '" + text + "'");
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
