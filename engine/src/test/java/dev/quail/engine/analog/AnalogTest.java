package dev.quail.engine.analog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** qmailanalog over Quail's mail log (SEND-05): line parsing, matchup, and the figures of each report. */
class AnalogTest {
    private static final String LOG = """
            2024-03-05T10:00:00.000 new msg m1
            2024-03-05T10:00:00.000 info msg m1: bytes 1000 from <joe@x.org> qp m1 smtp 127.0.0.1
            2024-03-05T10:00:00.500 starting delivery 1: msg m1 to local ann@localhost
            2024-03-05T10:00:00.600 starting delivery 2: msg m1 to remote bob@y.org
            2024-03-05T10:00:01.000 delivery 1: success: did 1+0+0/
            2024-03-05T10:00:03.600 delivery 2: deferral: Connected to 10.0.0.1 but connection died. (#4.4.2)
            2024-03-05T10:00:04.000 status: local 0/10 remote 0/20
            2024-03-05T10:10:00.000 starting delivery 3: msg m1 to remote bob@y.org
            2024-03-05T10:10:02.000 delivery 3: failure: Sorry, I couldn't find any host named y.org. (#5.1.2)/
            2024-03-05T10:10:02.100 info msg b1: bytes 600 from <> qp b1 bounce
            2024-03-05T10:10:02.200 bounce msg m1 qp b1
            2024-03-05T10:10:02.300 end msg m1
            2024-03-05T10:10:03.000 starting delivery 4: msg b1 to remote joe@x.org
            2024-03-05T11:00:00.000 queue index: 0 messages asleep
            2024-03-05T11:00:01.000 starting delivery 4: msg b1 to remote joe@x.org
            2024-03-05T11:00:02.000 delivery 4: success: x.org accepted message./Remote host said: 250 ok
            2024-03-05T11:00:02.100 end msg b1
            2024-03-05T11:00:03.000 starting delivery 5: msg old to local ann@localhost
            2024-03-05T11:00:03.010 delivery 5: success: did 1+0+0/
            java.lang.RuntimeException: a library's stack trace
            """;

    private static Stats analyse(String log) {
        Stats stats = new Stats();
        Matchup matchup = new Matchup(stats);
        log.lines().map(l -> LogEvent.parse(l, ZoneOffset.UTC)).flatMap(Optional::stream).forEach(matchup::accept);
        return stats;
    }

    private static String report(Reports.Name name) throws IOException {
        StringWriter out = new StringWriter();
        Reports.text(analyse(LOG), List.of(name), out);
        return out.toString().stripTrailing() + "\n"; // each report ends with a blank line that separates it
    }

    @Test
    void linesParseToTheEventsMatchupReads() {
        assertEquals(Optional.of(new LogEvent.Info(1709632800000L, "m1", 1000, "joe@x.org")),
                LogEvent.parse("2024-03-05T10:00:00.000 info msg m1: bytes 1000 from <joe@x.org> qp m1 smtp 1.2.3.4",
                        ZoneOffset.UTC));
        assertEquals(Optional.of(new LogEvent.Start(1709632800500L, 12, "m1", "remote", "a b@y.org")),
                LogEvent.parse("2024-03-05T10:00:00.500 starting delivery 12: msg m1 to remote a b@y.org",
                        ZoneOffset.UTC));
        assertEquals(Optional.of(new LogEvent.Result(1709632800500L, 12, LogEvent.Outcome.DEFERRAL, "x: y")),
                LogEvent.parse("2024-03-05T10:00:00.500 delivery 12: deferral: x: y", ZoneOffset.UTC));
        assertEquals(Optional.empty(), LogEvent.parse("2024-03-05T10:00:00.500 status: local 0/10", ZoneOffset.UTC));
        assertEquals(Optional.empty(), LogEvent.parse("delivery 12: deferral: x", ZoneOffset.UTC));
    }

    @Test
    void zoverallCountsCompletedMessagesAndEveryAttempt() throws IOException {
        String text = report(Reports.Name.ZOVERALL);
        assertTrue(text.contains("""
                Completed messages: 2
                Recipients for completed messages: 3
                Total delivery attempts for completed messages: 4
                Average delivery attempts per completed message: 2
                Bytes in completed messages: 1600
                Bytes weighted by success: 1600
                Average message qtime (s): 1801.15
                Total delivery attempts: 5
                  success: 3
                  failure: 1
                  deferral: 1
                Total ddelay (s): 3000.9
                Average ddelay per success (s): 1500.45
                Total xdelay (s): 6.51
                Average xdelay per delivery attempt (s): 1.302
                """), text);
    }

    @Test
    void recipientsSendersAndReasons() throws IOException {
        assertTrue(report(Reports.Name.ZRECIPIENTS).endsWith("""
                sbytes  mess  tries  xdelay  recipient
                  1000     2      2    0.51  ann@localhost
                   600     1      1       1  joe@x.org
                     0     1      2       5  bob@y.org
                """), report(Reports.Name.ZRECIPIENTS));
        assertTrue(report(Reports.Name.ZSENDERS).endsWith("""
                mess  bytes  sbytes  rbytes  recips  tries  xdelay  sender
                   1   1000    1000    2000       2      3     5.5  joe@x.org
                   1    600     600     600       1      1       1  <>
                """), report(Reports.Name.ZSENDERS));
        assertTrue(report(Reports.Name.ZFAILURES).endsWith("""
                del  xdelay  reason
                  1       2  Sorry, I couldn't find any host named y.org. (#5.1.2)
                """), report(Reports.Name.ZFAILURES));
        assertTrue(report(Reports.Name.ZDEFERRALS).endsWith("""
                del  xdelay  reason
                  1       3  Connected to 10.0.0.1 but connection died. (#4.4.2)
                """), report(Reports.Name.ZDEFERRALS));
    }

    @Test
    void zddistIsCumulativeUpToTheLongestDelay() throws IOException {
        assertTrue(report(Reports.Name.ZDDIST).endsWith("""
                doneby      avg  pct
                     1        1  50
                2999.9  1500.45  100
                """), report(Reports.Name.ZDDIST));
    }

    @Test
    void jsonHasEveryReportByName() throws IOException {
        StringWriter out = new StringWriter();
        Reports.json(analyse(LOG), List.of(Reports.Name.ZOVERALL, Reports.Name.ZFAILURES), out);
        assertTrue(out.toString().startsWith("{\"zoverall\":{\"completedMessages\":2,"), out.toString());
        assertTrue(out.toString().endsWith(",\"zfailures\":[{\"del\":1,\"xdelay\":2,"
                + "\"reason\":\"Sorry, I couldn't find any host named y.org. (#5.1.2)\"}]}\n"), out.toString());
    }
}
