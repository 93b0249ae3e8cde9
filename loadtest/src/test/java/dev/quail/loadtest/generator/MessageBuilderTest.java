package dev.quail.loadtest.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MessageBuilderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-03T11:05:30Z"), ZoneOffset.UTC);

    private static MessageBuilder builder(int size) {
        return new MessageBuilder("loadtest@localhost", "bench@localhost", size, "run1", CLOCK);
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.US_ASCII);
    }

    private static int headerLength() {
        return builder(0).build(41).length;
    }

    /** Splits at CRLF; fails on a bare CR or LF. */
    private static List<String> lines(String message) {
        assertTrue(message.endsWith("\r\n"), "ends with CRLF");
        List<String> lines = new ArrayList<>();
        for (String line : message.substring(0, message.length() - 2).split("\r\n", -1)) {
            assertFalse(line.contains("\r") || line.contains("\n"), "bare CR/LF in " + line);
            lines.add(line);
        }
        return lines;
    }

    @Test
    void twoKibMessageIsExactlyTwoKibOnTheWire() {
        assertEquals(2048, builder(2048).build(0).length);
    }

    @Test
    void everySizeFromTheHeaderUpIsExact() {
        int header = headerLength();
        // Covers the last-line cases: remaining 2..77, 78, 79 (77 + empty line), 80 and on.
        for (int size = header; size <= header + 400; size++) {
            byte[] message = builder(size).build(41);
            assertEquals(size, message.length, "size " + size + " (header " + header + ")");
            lines(text(message));
        }
    }

    @Test
    void oneOctetPastTheHeaderGoesIntoTheSubject() {
        int header = headerLength();
        String message = text(builder(header + 1).build(41));
        assertEquals(header + 1, message.length());
        assertTrue(message.contains("\r\nSubject: quail loadtest message 42.\r\n"), message);
        assertTrue(message.endsWith("\r\n\r\n"), "header only, no body line");
    }

    @Test
    void aSizeBelowTheHeaderGivesTheHeaderAlone() {
        int header = headerLength();
        assertEquals(header, builder(header - 1).build(41).length);
        assertEquals(header, builder(0).build(41).length);
    }

    @Test
    void linesAreAtMost78CharactersAndNeverStartWithADot() {
        for (String line : lines(text(builder(100_000).build(0)))) {
            assertTrue(line.length() <= 78, "line of " + line.length() + ": " + line);
            assertFalse(line.startsWith("."), "would need dot-stuffing: " + line);
        }
    }

    @Test
    void headerIsRfc5322() {
        List<String> lines = lines(text(builder(2048).build(6)));
        int blank = lines.indexOf("");
        assertTrue(blank > 0, "a blank line ends the header");
        List<String> header = lines.subList(0, blank);
        for (String field : header) {
            assertTrue(field.matches("[!-9;-~]+: .*"), "field name, colon, value: " + field);
        }
        assertTrue(header.contains("From: Quail loadtest <loadtest@localhost>"));
        assertTrue(header.contains("To: <bench@localhost>"));
        assertTrue(header.contains("Subject: quail loadtest message 7"));
        assertTrue(header.contains("Message-ID: <7.run1@quail-loadtest.invalid>"));
        String date = header.stream().filter(f -> f.startsWith("Date: ")).findFirst().orElseThrow().substring(6);
        assertEquals("Tue, 3 Jun 2025 11:05:30 +0000", date);
        DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).parse(date);
    }

    @Test
    void messagesDifferByNumber() {
        MessageBuilder builder = builder(512);
        assertFalse(text(builder.build(0)).equals(text(builder.build(1))));
    }
}
