package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** QBIFF/QRECEIPT: when qreceipt answers, and what its notice says. */
class ReceiptTest {

    private static Optional<String> receipt(String header, String address, String sender) throws IOException {
        byte[] message = (header + "\nbody\n").getBytes(StandardCharsets.UTF_8);
        return Receipt.of(new ByteArrayInputStream(message), address, sender)
                .map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Test
    void aRequestNamingTheAddressInAFoldedListIsAnswered() throws IOException {
        String notice = receipt("Message-ID: <1@x.org>\nnotice-requested-upon-delivery-to: Joe <joe@x.org>,\n"
                + "\t\"Ann Other\" <ann@y.org>\n", "ann@y.org", "poster@z.org").orElseThrow();
        assertTrue(notice.startsWith("From: DELIVERY NOTICE SYSTEM <poster@z.org>\nTo: <poster@z.org>\n"
                + "Subject: success notice\n\n"), notice);
        assertTrue(notice.contains("ann@y.org: it was delivered there."), notice);
        assertTrue(notice.endsWith("Your Message-ID: <1@x.org>\n"), notice);
    }

    @Test
    void noRequestAnotherAddressOrABounceGetsNothing() throws IOException {
        assertEquals(Optional.empty(), receipt("Subject: hi\n", "ann@y.org", "poster@z.org"));
        assertEquals(Optional.empty(), receipt("Notice-Requested-Upon-Delivery-To: joe@x.org\n", "ann@y.org",
                "poster@z.org"));
        assertEquals(Optional.empty(), receipt("Notice-Requested-Upon-Delivery-To: ann@y.org\n", "ann@y.org", ""));
        assertEquals(Optional.empty(), receipt("Notice-Requested-Upon-Delivery-To: ann@y.org\n", "ann@y.org",
                "#@[]"));
    }

    @Test
    void aRequestInTheBodyIsNotOne() throws IOException {
        assertEquals(Optional.empty(), receipt("Subject: hi\n\nNotice-Requested-Upon-Delivery-To: ann@y.org\n",
                "ann@y.org", "poster@z.org"));
    }
}
