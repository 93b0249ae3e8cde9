/*
 * AddressField: one envelope address as it arrives in pieces. qmail-qmtpd and qmail-qmqpd refuse an address of
 * 1000 bytes or more, or one holding a NUL (QMTP-05, QMQP-01); Quail refuses every control character (below 0x20,
 * and DEL), as its SMTP server does: an address travels on into the next hop's MAIL FROM and RCPT TO, into
 * Return-Path and Delivered-To lines and into the log, where a CR or LF would be command or header injection.
 * A refused address is read to its end but not kept, so a huge one costs no memory.
 */
package dev.quail.protocols.qmtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

final class AddressField {
    /** The first length refused. */
    static final int LIMIT = 1000;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean bad;

    AddressField(long declaredLength) {
        bad = declaredLength >= LIMIT;
    }

    void append(byte[] b, int offset, int length) {
        if (bad) return;
        for (int i = offset; i < offset + length; i++) {
            if ((b[i] >= 0 && b[i] < 0x20) || b[i] == 0x7f) {
                bad = true;
                return;
            }
        }
        bytes.write(b, offset, length);
    }

    boolean acceptable() {
        return !bad;
    }

    String text() {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
