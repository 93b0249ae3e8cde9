/*
 * QmtpClient: the sending side of QMTP (QMTP-01..04) for one package, as pure code: the bytes to send, and the
 * reading of the answers, one netstring per recipient, in order, each K (accepted), Z (temporary) or D
 * (permanent) followed by text. The message goes in the standard encoding: '\n', then the message with LF line
 * ends as the queue holds it; the message is never here: the caller streams it between head() and tail(). An
 * answer of another kind, or over {@link #MAX_REPLY} bytes, is a protocol error.
 */
package dev.quail.protocols.qmtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public final class QmtpClient {
    /** Longer answers than any server writes: a peer sending more is not speaking QMTP. */
    public static final int MAX_REPLY = 4096;

    public enum Code { K, Z, D }

    public record Reply(Code code, String text) {}

    private final int expected;
    private final List<Reply> replies = new ArrayList<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final NetstringParser parser = new NetstringParser(MAX_REPLY, new NetstringParser.Handler() {
        @Override
        public boolean begin(int depth, long length) throws NetstringException {
            if (replies.size() == expected) throw NetstringException.syntax("more answers than recipients");
            if (length == 0) throw NetstringException.syntax("empty QMTP answer");
            current.reset();
            return false;
        }

        @Override
        public void content(int depth, byte[] bytes, int offset, int length) {
            current.write(bytes, offset, length);
        }

        @Override
        public boolean end(int depth) throws NetstringException {
            String answer = current.toString(StandardCharsets.ISO_8859_1);
            Code code;
            switch (answer.charAt(0)) {
                case 'K': code = Code.K; break;
                case 'Z': code = Code.Z; break;
                case 'D': code = Code.D; break;
                default: throw NetstringException.syntax("QMTP answer neither K, Z nor D");
            }
            replies.add(new Reply(code, answer.substring(1)));
            return false;
        }
    });

    /** Reads the answers to a package of {@code recipients} recipients. */
    public QmtpClient(int recipients) {
        this.expected = recipients;
    }

    /**
     * What goes before the message in a package: the message netstring's length (the message and its
     * encoding byte) and the encoding byte, '\n'. Then the message, {@code size} bytes with LF line ends as the
     * queue holds them, streamed by the caller, then {@link #tail}.
     */
    public static byte[] head(long size) {
        return ((size + 1) + ":\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What follows the message: the end of its netstring, netstring(sender), netstring(netstring(recipient)...). */
    public static byte[] tail(String sender, List<String> recipients) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String r : recipients) Netstrings.write(list, r.getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream out = new ByteArrayOutputStream(list.size() + sender.length() + 32);
        out.write(',');
        Netstrings.write(out, sender.getBytes(StandardCharsets.ISO_8859_1));
        Netstrings.write(out, list.toByteArray());
        return out.toByteArray();
    }

    /** Answers read so far, in recipient order; throws on anything that is not a QMTP answer. */
    public List<Reply> receive(byte[] bytes, int offset, int length) throws NetstringException {
        parser.feed(bytes, offset, length);
        return List.copyOf(replies);
    }

    public boolean complete() {
        return replies.size() == expected;
    }
}
