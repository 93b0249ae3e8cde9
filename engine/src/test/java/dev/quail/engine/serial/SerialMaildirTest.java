package dev.quail.engine.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The envelope of a kept message is qmail-local's two lines on top, as maildirsmtp read it. */
class SerialMaildirTest {

    private static Path file(String text) throws Exception {
        Path f = Files.createTempFile("serial", ".msg");
        Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
        return f;
    }

    @Test
    void theReturnPathAndDeliveredToLinesAreTheEnvelopeAndTheRestIsTheMessage() throws Exception {
        Path f = file("Return-Path: <\"a b\\\"c\"@x.example>\nDelivered-To: u@dialup.example\nSubject: s\n\nh\u00e9\n");
        SerialMaildir.Kept k = SerialMaildir.read(f).orElseThrow();
        assertEquals("a b\"c@x.example", k.sender());
        assertEquals("u@dialup.example", k.recipient());
        assertEquals("Subject: s\n\nh\u00e9\n", new String(k.open().readAllBytes(), StandardCharsets.ISO_8859_1));
        assertEquals(15, k.size());
        assertTrue(k.eightBit());
        assertFalse(k.partialFinalLine());
    }

    @Test
    void theNullSenderAndAMessageWithoutAFinalNewline() throws Exception {
        SerialMaildir.Kept k = SerialMaildir.read(file("Return-Path: <>\nDelivered-To: u@d.example\n\nno end"))
                .orElseThrow();
        assertEquals("", k.sender());
        assertTrue(k.partialFinalLine());
        assertFalse(k.eightBit());
    }

    @Test
    void aFileWithoutTheTwoLinesIsNotQuailsAndIsLeftAlone() throws Exception {
        assertTrue(SerialMaildir.read(file("Subject: hand-made\n\nx\n")).isEmpty());
        assertTrue(SerialMaildir.read(file("Return-Path: <a@b>\nSubject: no dt\n\n")).isEmpty());
        assertTrue(SerialMaildir.read(file("Return-Path: <a@b>")).isEmpty());
        assertTrue(SerialMaildir.read(file("Return-Path: <" + "a".repeat(5000) + ">\nDelivered-To: u@d\n\n")).isEmpty());
    }
}
