package dev.quail.loadtest.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecipientsTest {

    @Test
    void oneRecipientIsTheAddressItself() {
        assertEquals(List.of("rcpt@sink.test"), Recipients.of("rcpt@sink.test", 1));
    }

    @Test
    void severalGetPlusNumbersInTheLocalPart() {
        assertEquals(List.of("rcpt+1@sink.test", "rcpt+2@sink.test", "rcpt+3@sink.test"),
                Recipients.of("rcpt@sink.test", 3));
    }

    @Test
    void placeholderTakesTheNumberInstead() {
        assertEquals(List.of("user-1@localhost", "user-2@localhost"), Recipients.of("user-{n}@localhost", 2));
    }

    @Test
    void thousandAreDistinct() {
        List<String> recipients = Recipients.of("r@sink.test", 1000);
        assertEquals(1000, recipients.stream().distinct().count());
        assertEquals("r+1000@sink.test", recipients.get(999));
    }

    @Test
    void zeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Recipients.of("r@sink.test", 0));
    }
}
