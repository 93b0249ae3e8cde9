/*
 * Netstrings (NS-01, cr.yp.to/proto/netstrings.txt): `<decimal length>:<bytes>,`, e.g. `5:hello,`, the empty
 * string `0:,`. The length has no leading zeros (the spec prohibits them) and at most {@link #MAX_LENGTH}, qmail's
 * bound beyond which qmail-qmtpd gives up for lack of resources.
 */
package dev.quail.protocols.qmtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

public final class Netstrings {
    /** qmail-qmtpd's and qmail-qmqpd's limit: a longer netstring is a resource error (NS-01). */
    public static final long MAX_LENGTH = 200_000_000L;

    private Netstrings() {}

    public static byte[] encode(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 12);
        write(out, content);
        return out.toByteArray();
    }

    /** Text as raw octets, one char per octet (ISO-8859-1), as envelope strings travel everywhere in Quail. */
    public static byte[] encode(String octets) {
        return encode(octets.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static void write(ByteArrayOutputStream out, byte[] content) {
        out.writeBytes(Integer.toString(content.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(content);
        out.write(',');
    }
}
