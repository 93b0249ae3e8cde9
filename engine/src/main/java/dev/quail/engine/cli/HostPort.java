package dev.quail.engine.cli;

import picocli.CommandLine;

/** {@code HOST:PORT} as the listen options take it; {@code [v6]:port} for IPv6. */
public record HostPort(String host, int port) {
    /** Lets picocli turn a bad value into a usage error (exit 100) rather than a failure. */
    public static final class Converter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) { return parse(value); }
    }

    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CommandLine.TypeConversionException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new HostPort(host, port);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("bad port in '" + text + "'");
        }
    }
}
