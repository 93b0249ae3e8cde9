package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mailq / sendmail -bp (SM-01) in Postfix's layout, from the server's qread --json answer (QREAD-01). */
class MailqTest {

    @Test
    void postfixsLayoutWithReasonsHeldMessagesAndTheTotal() {
        Instant queued = Instant.parse("2024-02-03T09:12:42Z");
        String text = Mailq.format(List.of(
                new Mailq.Message("1f3a9c0e2b", queued, 1520, "joe@example.org", true, List.of(
                        new Mailq.Pending("ann@example.net", "Connected to 192.0.2.1 but connection died. (#4.4.2)\n"),
                        new Mailq.Pending("bob@example.net", ""),
                        new Mailq.Pending("cy@example.net", "Connected to 192.0.2.1 but connection died. (#4.4.2)\n"))),
                new Mailq.Message("1796193949999043.6740.1.ed71a8a5", queued, 1000, "", false,
                        List.of(new Mailq.Pending("joe@example.org", "")))), ZoneOffset.UTC);
        assertEquals("""
                -Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
                1f3a9c0e2b!    1520 Sat Feb  3 09:12:42  joe@example.org
                (Connected to 192.0.2.1 but connection died. (#4.4.2))
                                                         ann@example.net
                                                         cy@example.net
                                                         bob@example.net

                1796193949999043.6740.1.ed71a8a5     1000 Sat Feb  3 09:12:42  MAILER-DAEMON
                                                         joe@example.org

                -- 2 Kbytes in 2 Requests.
                """, text);
        assertEquals("Mail queue is empty\n", Mailq.format(List.of(), ZoneOffset.UTC));
    }

    @Test
    void readsTheQreadAnswerKeepingPendingRecipients() throws IOException {
        String json = "{\"messages\":[{\"id\":\"abc\",\"queued\":\"2024-02-03T09:12:42Z\",\"bytes\":12,\"sender\":\"\","
                + "\"origin\":\"smtp\",\"held\":false,\"nextLocal\":\"2024-02-03T09:14:22Z\",\"recipients\":["
                + "{\"address\":\"a@x\",\"channel\":\"local\",\"status\":\"done\"},"
                + "{\"address\":\"b@x\",\"channel\":\"local\",\"status\":\"pending\",\"report\":\"later\"},"
                + "{\"address\":\"c@x\",\"channel\":\"remote\",\"status\":\"pending\"}]}]}";
        assertEquals(List.of(new Mailq.Message("abc", Instant.parse("2024-02-03T09:12:42Z"), 12, "", false,
                List.of(new Mailq.Pending("b@x", "later"), new Mailq.Pending("c@x", "")))), Mailq.parse(json));
        assertEquals(List.of(), Mailq.parse("{\"messages\":[]}"));
    }
}
