/*
 * DataEncoder: a stored message (LF line ends) as the DATA phase sends it (REM-13, RFC 5321 4.5.2):
 * LF becomes CRLF (a CRLF already there stays as it is, as notqmail does), a line starting with '.'
 * gets one more '.', and the message ends with ".\r\n". A message whose last line has no LF cannot be
 * sent faithfully: qmail refuses it permanently (#5.6.2), so callers check partialFinalLine first.
 * 8-bit octets and long lines are sent as they are.
 */
package dev.quail.protocols.smtpclient;

import java.io.ByteArrayOutputStream;

final class DataEncoder {
    private DataEncoder() {}

    static boolean partialFinalLine(byte[] body) {
        return body.length > 0 && body[body.length - 1] != '\n';
    }

    static boolean eightBit(byte[] body) {
        for (byte b : body) {
            if (b < 0) return true;
        }
        return false;
    }

    static byte[] encode(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 32 + 8);
        boolean lineStart = true;
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (lineStart && b == '.') out.write('.');
            if (b == '\n' && (i == 0 || body[i - 1] != '\r')) out.write('\r');
            out.write(b);
            lineStart = b == '\n';
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }
}
