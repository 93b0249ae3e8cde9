package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** QQ-01 and QQ-03: qmail-queue's envelope on descriptor 1, and the exit code of each way it can be wrong. */
class QqEnvelopeTest {

    private static QqEnvelope read(String text) throws QqException {
        return QqEnvelope.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static int code(String text) {
        return assertThrows(QqException.class, () -> read(text)).code();
    }

    @Test
    void senderRecipientsAndTheFinalNul() throws QqException {
        assertEquals(new QqEnvelope("joe@x.org", List.of("a@y.org", "b@z.org")),
                read("Fjoe@x.org\0Ta@y.org\0Tb@z.org\0\0"));
        assertEquals(new QqEnvelope("", List.of()), read("F\0\0"));
    }

    @Test
    void anEnvelopeCutShortQueuesNothingWithExit54() {
        assertEquals(54, code(""));
        assertEquals(54, code("Fjoe@x.org\0Ta@y.org\0"));
        assertEquals(54, code("Fjoe@x.org\0Ta@y"));
    }

    @Test
    void recordsOtherThanFThenTAreExit91() {
        assertEquals(91, code("Tjoe@x.org\0\0"));
        assertEquals(91, code("Fjoe@x.org\0Xa@y.org\0\0"));
    }

    @Test
    void anAddressOver1002BytesIsExit11() throws QqException {
        String longest = "a".repeat(QqEnvelope.MAX_ADDRESS_BYTES - 6) + "@y.org";
        assertEquals(List.of(longest), read("F\0T" + longest + "\0\0").recipients());
        assertEquals(11, code("F\0Ta" + longest + "\0\0"));
        assertEquals(11, code("F" + "a" + longest + "\0\0"));
        assertEquals(false, new QqException(54, "").permanent());
        assertEquals(true, new QqException(11, "").permanent());
    }
}
