/*
 * NetstringParser: an incremental reader of nested netstrings (NS-01), for QMTP packages and QMQP requests, whose
 * fields are netstrings and whose recipient lists are netstrings of netstrings. Bytes arrive in any chunking; the
 * parser reports each netstring to its Handler as it goes (begin, content in pieces, end), so a field may be
 * judged, or skipped, without being held in memory. The Handler decides at begin whether a netstring's content is
 * itself a sequence of netstrings (a nested frame); a nested netstring must end exactly where its frame ends.
 *
 * Refused (NetstringException): a length over the limit (TOO_LONG), and as SYNTAX a non-digit or leading zero in a
 * length, an empty length, a missing ',' and a nested netstring that overruns its frame. Not thread-safe.
 */
package dev.quail.protocols.qmtp;

import java.util.Arrays;

public final class NetstringParser {

    /** What the parser found; any method may throw to refuse the input. */
    public interface Handler {
        /** A netstring of {@code length} bytes starts at {@code depth} (0 = top level). True: read it as netstrings. */
        boolean begin(int depth, long length) throws NetstringException;

        /** A piece of a non-nested netstring's content. The array is the caller's: copy what you keep. */
        void content(int depth, byte[] bytes, int offset, int length) throws NetstringException;

        /** Its ',' was read. True pauses the parser right after it (feed returns early). */
        boolean end(int depth) throws NetstringException;
    }

    private enum Phase { LENGTH, CONTENT, COMMA, FRAME_COMMA }

    private final long maxLength;
    private final Handler handler;
    private Phase phase = Phase.LENGTH;
    private long length;
    private int digits;
    private long contentLeft;
    /** Bytes left in each open nested frame, outermost first. */
    private long[] frames = new long[4];
    private int depth;

    public NetstringParser(long maxLength, Handler handler) {
        this.maxLength = maxLength;
        this.handler = handler;
    }

    /** True between netstrings at the top level: stopping here leaves nothing half-read. */
    public boolean atBoundary() {
        return phase == Phase.LENGTH && depth == 0 && digits == 0;
    }

    /** Reads from {@code bytes}; returns how many were consumed (fewer than given only after a pause). */
    public int feed(byte[] bytes, int offset, int count) throws NetstringException {
        int i = offset;
        int end = offset + count;
        while (i < end) {
            if (phase == Phase.LENGTH && digits == 0 && depth > 0 && frames[depth - 1] == 0) {
                depth--;
                phase = Phase.FRAME_COMMA;
            }
            if (phase == Phase.CONTENT) {
                int n = (int) Math.min(end - i, contentLeft);
                handler.content(depth, bytes, i, n);
                consumed(n);
                i += n;
                contentLeft -= n;
                if (contentLeft == 0) phase = Phase.COMMA;
                continue;
            }
            byte b = bytes[i++];
            consumed(1);
            if (phase == Phase.LENGTH) {
                length(b);
            } else {
                if (b != ',') throw NetstringException.syntax("missing ',' after a netstring");
                phase = Phase.LENGTH;
                if (handler.end(depth)) return i - offset;
            }
        }
        return i - offset;
    }

    private void length(byte b) throws NetstringException {
        if (b == ':') {
            if (digits == 0) throw NetstringException.syntax("empty netstring length");
            if (depth > 0 && length + 1 > frames[depth - 1]) {
                throw NetstringException.syntax("netstring overruns the one around it");
            }
            long declared = length;
            length = 0;
            digits = 0;
            if (handler.begin(depth, declared)) {
                if (depth == frames.length) frames = Arrays.copyOf(frames, depth * 2);
                frames[depth++] = declared;
                phase = Phase.LENGTH;
            } else {
                contentLeft = declared;
                phase = declared == 0 ? Phase.COMMA : Phase.CONTENT;
            }
            return;
        }
        if (b < '0' || b > '9') throw NetstringException.syntax("non-digit in a netstring length");
        if (digits > 0 && length == 0) throw NetstringException.syntax("leading zero in a netstring length");
        length = length * 10 + (b - '0');
        digits++;
        if (length > maxLength) {
            throw new NetstringException(NetstringException.Kind.TOO_LONG, "netstring longer than " + maxLength);
        }
    }

    /** Every open frame holds the byte just read; running past a frame's end is a syntax error. */
    private void consumed(int n) throws NetstringException {
        for (int d = 0; d < depth; d++) {
            frames[d] -= n;
            if (frames[d] < 0) throw NetstringException.syntax("netstring overruns the one around it");
        }
    }
}
