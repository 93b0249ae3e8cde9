/*
 * ProxyHeaderDecoder: an incremental reader of the PROXY protocol header a load balancer (HAProxy's send-proxy and
 * send-proxy-v2, and the many proxies that copy them) sends before the client's first byte, as specified in
 * HAProxy's proxy-protocol.txt. Bytes arrive in any chunking; the header is judged byte by byte, so garbage is
 * refused at its first wrong byte and no more than the header's limit is ever held:
 *
 *  - version 1, a text line "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" or "PROXY UNKNOWN ...\r\n", at most 107 bytes
 *    with its CRLF (the specification's own bound); addresses are literals (IPv4 dotted quads without leading
 *    zeros, IPv6 in any standard form), ports decimal 0-65535 without leading zeros, one space between fields;
 *  - version 2, a 16-byte binary preamble (12-byte signature, version and command, family, length) and the address
 *    block, whose length is bounded by {@link #V2_MAX_LENGTH}; TLVs after the addresses are skipped unread.
 *
 * Why not a library: the maintained Java implementations are Netty codecs (HAProxyMessageDecoder), which need
 * Netty's pipeline and buffers; Quail's listeners are Pekko Streams, and the format is small enough to read here
 * as a pure state machine, as Quail's other protocols are. Not thread-safe: one decoder per connection.
 */
package dev.quail.protocols.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

public final class ProxyHeaderDecoder {
    /** The longest version 1 header, CRLF included ("PROXY TCP6" with two full IPv6 addresses and ports). */
    public static final int V1_MAX = 107;
    /**
     * The longest version 2 address block accepted (the length field allows 65,535). A UNIX block is 216 bytes and
     * every TLV HAProxy sends (ALPN, authority, unique id, SSL details, network namespace) together stay well
     * under 2 KiB; 4 KiB bounds what one connection that has not yet said who it is may make the server hold.
     */
    public static final int V2_MAX_LENGTH = 4096;

    private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_PREAMBLE = 16;

    /** The header, and the client's bytes that came after it in the same read. */
    public record Decoded(ProxyHeader header, byte[] rest) {}

    private byte[] buffer = new byte[V1_MAX];
    private int count;
    /** The whole version 2 header's length, once its preamble is read. */
    private int v2Length;
    private boolean done;

    /**
     * Reads {@code length} bytes of {@code bytes} from {@code offset}: the header once it is complete, empty while
     * more bytes are needed. Nothing may be fed after the header was returned or an exception thrown.
     */
    public Optional<Decoded> receive(byte[] bytes, int offset, int length) throws ProxyHeaderException {
        if (done) throw new IllegalStateException("the PROXY header was already read");
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            buffer[count++] = bytes[i];
            Optional<ProxyHeader> header = buffer[0] == V1_SIGNATURE[0] ? v1() : v2();
            if (header.isPresent()) {
                done = true;
                return Optional.of(new Decoded(header.get(), Arrays.copyOfRange(bytes, i + 1, end)));
            }
        }
        return Optional.empty();
    }

    private Optional<ProxyHeader> v1() throws ProxyHeaderException {
        int last = count - 1;
        if (last < V1_SIGNATURE.length && buffer[last] != V1_SIGNATURE[last]) throw new ProxyHeaderException(
                "not a PROXY header");
        if (buffer[last] != '\n') {
            if (count == V1_MAX) throw new ProxyHeaderException("v1 header longer than " + V1_MAX + " bytes");
            return Optional.empty();
        }
        if (buffer[last - 1] != '\r') throw new ProxyHeaderException("v1 header not ended by CRLF");
        return Optional.of(V1Line.parse(new String(buffer, 0, last - 1, StandardCharsets.ISO_8859_1)));
    }

    private Optional<ProxyHeader> v2() throws ProxyHeaderException {
        int last = count - 1;
        if (last < V2_SIGNATURE.length) {
            if (buffer[last] != V2_SIGNATURE[last]) throw new ProxyHeaderException("not a PROXY header");
            return Optional.empty();
        }
        if (last == V2_SIGNATURE.length && (buffer[last] & 0xF0) != 0x20) throw new ProxyHeaderException(
                "v2 header of version " + ((buffer[last] & 0xF0) >> 4));
        if (last == V2_SIGNATURE.length && command() > 1) throw new ProxyHeaderException(
                "v2 header with command " + command());
        if (count == V2_PREAMBLE) {
            int length = ((buffer[14] & 0xFF) << 8) | (buffer[15] & 0xFF);
            if (length > V2_MAX_LENGTH) throw new ProxyHeaderException(
                    "v2 header of " + length + " bytes, more than " + V2_MAX_LENGTH);
            if (command() == 1 && length < V2Block.minimum(buffer[13])) throw new ProxyHeaderException(
                    "v2 address block of " + length + " bytes, too short for its family");
            v2Length = V2_PREAMBLE + length;
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length, v2Length));
        }
        if (count < V2_PREAMBLE || count < v2Length) return Optional.empty();
        if (command() == 0) return Optional.of(new ProxyHeader.Local());
        return Optional.of(V2Block.parse(buffer[13], Arrays.copyOfRange(buffer, V2_PREAMBLE, v2Length)));
    }

    private int command() {
        return buffer[12] & 0x0F;
    }

    /** Version 1's line, without its CRLF. */
    private static final class V1Line {
        static ProxyHeader parse(String line) throws ProxyHeaderException {
            String[] fields = line.split(" ", -1);
            if (fields[1].equals("UNKNOWN")) return new ProxyHeader.Unknown("v1 UNKNOWN");
            boolean v4 = fields[1].equals("TCP4");
            if (!v4 && !fields[1].equals("TCP6")) throw new ProxyHeaderException(
                    "v1 header of protocol " + printable(fields[1]));
            if (fields.length != 6) throw new ProxyHeaderException("v1 header with " + fields.length + " fields, not 6");
            return new ProxyHeader.Proxied(1, new InetSocketAddress(address(fields[2], v4), port(fields[4])),
                    new InetSocketAddress(address(fields[3], v4), port(fields[5])));
        }

        private static InetAddress address(String text, boolean v4) throws ProxyHeaderException {
            byte[] bytes = v4 ? ipv4(text) : ipv6(text);
            try {
                return InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
            }
        }

        private static byte[] ipv4(String text) throws ProxyHeaderException {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) throw bad("IPv4 address", text);
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) bytes[i] = (byte) decimal(parts[i], 255, "IPv4 address", text);
            return bytes;
        }

        /** IPv6 literals only: the text is checked to be hex digits, ':' and '.', so no name is ever looked up. */
        private static byte[] ipv6(String text) throws ProxyHeaderException {
            if (text.isEmpty() || text.indexOf(':') < 0 || !text.chars().allMatch(c ->
                    c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 128)) throw bad("IPv6 address", text);
            try {
                // ::ffff:a.b.c.d comes back as IPv4, which is what relayclients and the limits should see.
                return InetAddress.getByName("[" + text + "]").getAddress();
            } catch (UnknownHostException e) {
                throw bad("IPv6 address", text);
            }
        }

        private static int port(String text) throws ProxyHeaderException {
            return decimal(text, 65535, "port", text);
        }

        private static int decimal(String digits, int max, String what, String text) throws ProxyHeaderException {
            if (digits.isEmpty() || digits.length() > 5 || digits.length() > 1 && digits.charAt(0) == '0'
                    || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) throw bad(what, text);
            int value = Integer.parseInt(digits);
            if (value > max) throw bad(what, text);
            return value;
        }

        private static ProxyHeaderException bad(String what, String text) {
            return new ProxyHeaderException("v1 header with a bad " + what + ": " + printable(text));
        }

        /** Shown in the log: the text of an untrusted header, without control characters, cut short. */
        private static String printable(String text) {
            StringBuilder b = new StringBuilder();
            text.chars().limit(48).forEach(c -> b.append(c >= 0x20 && c < 0x7F ? (char) c : '?'));
            return b.toString();
        }
    }

    /** Version 2's address block, chosen by its family byte (address family high, transport low). */
    private static final class V2Block {
        private static final int INET_STREAM = 0x11;
        private static final int INET6_STREAM = 0x21;

        /** The address block's size for a PROXY command of this family; unknown families are refused. */
        static int minimum(byte family) throws ProxyHeaderException {
            return switch (family & 0xFF) {
                case 0x00 -> 0;
                case INET_STREAM -> 12;
                case INET6_STREAM -> 36;
                case 0x31, 0x32 -> 216;
                default -> throw new ProxyHeaderException(String.format("v2 header of family 0x%02x", family & 0xFF));
            };
        }

        static ProxyHeader parse(byte family, byte[] block) {
            int size = (family & 0xFF) == INET_STREAM ? 4 : 16;
            return switch (family & 0xFF) {
                case INET_STREAM, INET6_STREAM -> new ProxyHeader.Proxied(2,
                        new InetSocketAddress(address(block, 0, size), port(block, 2 * size)),
                        new InetSocketAddress(address(block, size, size), port(block, 2 * size + 2)));
                case 0x00 -> new ProxyHeader.Unknown("v2 UNSPEC");
                default -> new ProxyHeader.Unknown("v2 UNIX");
            };
        }

        private static InetAddress address(byte[] block, int offset, int size) {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(block, offset, offset + size));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
            }
        }

        private static int port(byte[] block, int offset) {
            return ((block[offset] & 0xFF) << 8) | (block[offset + 1] & 0xFF);
        }
    }
}
