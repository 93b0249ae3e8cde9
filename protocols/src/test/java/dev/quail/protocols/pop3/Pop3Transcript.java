/*
 * Pop3Transcript: drives a Pop3Session as a POP3 dialogue reads, "C:" lines in, "S:" lines out. Replies become
 * their lines without CRLF; the other outputs become "[authenticate USER SECRET]", "[apop USER DIGEST]",
 * "[retrieve INDEX LINES]", "[commit INDEXES]", "[starttls]" and "[close]". server(...) asserts the lines produced
 * since the previous check.
 */
package dev.quail.protocols.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class Pop3Transcript {
    static final String TIMESTAMP = "<1.1709611167@pop.example.org>";

    /** timeoutpop3d 1200 s, timeoutstress 10 s, lifetimesmtpd 3600 s. */
    static final Deadlines.Timing TIMING =
            new Deadlines.Timing(Duration.ofSeconds(1200), Duration.ofSeconds(10), 0, Duration.ofSeconds(3600));

    final TestClock clock = new TestClock(Instant.parse("2024-03-05T04:06:07Z"));
    final Pop3Session session;
    private final List<String> unchecked = new ArrayList<>();

    private Pop3Transcript(boolean tlsAvailable) {
        session = new Pop3Session(TIMESTAMP, tlsAvailable, TIMING, clock);
    }

    /** A session whose edge has no TLS to offer. */
    static Pop3Transcript open() {
        return open(false);
    }

    static Pop3Transcript open(boolean tlsAvailable) {
        Pop3Transcript t = new Pop3Transcript(tlsAvailable);
        t.record(t.session.start());
        return t.server("+OK " + TIMESTAMP);
    }

    /** A session logged in to a mailbox of these messages. */
    static Pop3Transcript loggedIn(Pop3Entry... messages) {
        return open().client("USER bob@example.org\r\n").server("+OK ")
                .client("PASS secret\r\n").server("[authenticate bob@example.org secret]")
                .login(new LoginResult.Opened(List.of(messages))).server("+OK ");
    }

    /** Time passes, then the edge's tick. */
    Pop3Transcript after(Duration time, boolean stressed) {
        clock.advance(time);
        record(session.tick(stressed));
        return this;
    }

    Pop3Transcript evicted() {
        record(session.evict());
        return this;
    }

    Pop3Transcript client(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        record(session.receive(bytes, 0, bytes.length));
        return this;
    }

    Pop3Transcript login(LoginResult result) {
        record(session.loggedIn(result));
        return this;
    }

    /** The edge finished the TLS handshake. */
    Pop3Transcript tlsStarted() {
        session.tlsStarted();
        return this;
    }

    Pop3Transcript committed(boolean allRemoved) {
        record(session.committed(allRemoved));
        return this;
    }

    Pop3Transcript server(String... lines) {
        assertEquals(Arrays.asList(lines), List.copyOf(unchecked));
        unchecked.clear();
        return this;
    }

    private void record(List<Pop3Output> outputs) {
        for (Pop3Output o : outputs) {
            if (o instanceof Pop3Output.Reply r) {
                unchecked.addAll(Arrays.asList(r.text().substring(0, r.text().length() - 2).split("\r\n", -1)));
            } else if (o instanceof Pop3Output.Authenticate a) {
                unchecked.add("[" + (a.apop() ? "apop " : "authenticate ") + a.user() + " "
                        + new String(a.secret(), StandardCharsets.ISO_8859_1) + "]");
                assertEquals(TIMESTAMP, a.timestamp());
            } else if (o instanceof Pop3Output.Retrieve r) {
                unchecked.add("[retrieve " + r.index() + " " + r.bodyLines() + "]");
            } else if (o instanceof Pop3Output.Commit c) {
                unchecked.add("[commit " + c.deleted() + "]");
            } else if (o instanceof Pop3Output.StartTls) {
                unchecked.add("[starttls]");
            } else {
                unchecked.add("[close]");
            }
        }
    }
}
