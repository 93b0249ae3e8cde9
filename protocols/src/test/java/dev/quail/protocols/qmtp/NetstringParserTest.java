/*
 * NetstringParserTest: NS-01 framing, nesting, and the length limit at its edge.
 */
package dev.quail.protocols.qmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetstringParserTest {

    /** Records events as text; netstrings of length 12 (and only those) are read as nested. */
    private static final class Events implements NetstringParser.Handler {
        final List<String> seen = new ArrayList<>();
        final StringBuilder content = new StringBuilder();
        boolean pauseAtTop;

        @Override
        public boolean begin(int depth, long length) {
            seen.add("begin " + depth + " " + length);
            return length == 12;
        }

        @Override
        public void content(int depth, byte[] bytes, int offset, int length) {
            content.append(new String(bytes, offset, length, StandardCharsets.ISO_8859_1));
        }

        @Override
        public boolean end(int depth) {
            seen.add("end " + depth + (depth == 0 ? "" : " " + content));
            if (depth == 0) seen.add("top " + content);
            content.setLength(0);
            return depth == 0 && pauseAtTop;
        }
    }

    private static Events parse(String input, long limit) throws NetstringException {
        Events events = new Events();
        NetstringParser parser = new NetstringParser(limit, events);
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : bytes) assertEquals(1, parser.feed(new byte[] {b}, 0, 1));
        return events;
    }

    private static NetstringException.Kind refused(String input, long limit) {
        return assertThrows(NetstringException.class, () -> parse(input, limit)).kind();
    }

    @Test
    void ns01_plain_and_empty_netstrings_byte_by_byte() throws Exception {
        assertEquals(List.of("begin 0 5", "end 0", "top hello", "begin 0 0", "end 0", "top "),
                parse("5:hello,0:,", 100).seen);
    }

    @Test
    void nested_netstrings_end_exactly_with_their_frame() throws Exception {
        assertEquals(List.of("begin 0 12", "begin 1 1", "end 1 a", "begin 1 2", "end 1 bc", "begin 1 0", "end 1 ",
                "end 0", "top "), parse("12:1:a,2:bc,0:,,", 100).seen);
    }

    @Test
    void ns01_refusals() {
        assertEquals(NetstringException.Kind.SYNTAX, refused("5:hello;", 100));
        assertEquals(NetstringException.Kind.SYNTAX, refused(":,", 100));
        assertEquals(NetstringException.Kind.SYNTAX, refused("05:hello,", 100));
        assertEquals(NetstringException.Kind.SYNTAX, refused("5x:hello,", 100));
        assertEquals(NetstringException.Kind.SYNTAX, refused("12:1:a,6:bcdefg,", 100));
    }

    @Test
    void ns01_the_length_limit_at_its_edge() throws Exception {
        assertEquals(List.of("begin 0 10"), parse("10:", 10).seen);
        assertEquals(NetstringException.Kind.TOO_LONG, refused("11:", 10));
        Events big = parse(Long.toString(Netstrings.MAX_LENGTH) + ":", Netstrings.MAX_LENGTH);
        assertEquals(List.of("begin 0 200000000"), big.seen);
        assertEquals(NetstringException.Kind.TOO_LONG,
                refused(Long.toString(Netstrings.MAX_LENGTH + 1) + ":", Netstrings.MAX_LENGTH));
    }

    @Test
    void a_pause_after_a_top_level_netstring_leaves_the_rest_unread() throws Exception {
        Events events = new Events();
        events.pauseAtTop = true;
        NetstringParser parser = new NetstringParser(100, events);
        byte[] bytes = "1:a,1:b,".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(4, parser.feed(bytes, 0, bytes.length));
        assertTrue(parser.atBoundary());
        assertEquals(4, parser.feed(bytes, 4, 4));
        assertEquals(List.of("begin 0 1", "end 0", "top a", "begin 0 1", "end 0", "top b"), events.seen);
    }
}
