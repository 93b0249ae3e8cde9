package dev.quail.protocols.smtpclient;

import static dev.quail.protocols.smtpclient.ClientTranscript.PEER;
import static dev.quail.protocols.smtpclient.ClientTranscript.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's dialogue and its reports, as transcripts (REM-11..21, RFC 2920, RFC 1870, RFC 6152). */
class ClientSessionTest {

    private static Report success(String text) {
        return new Report(Report.Kind.SUCCESS, text);
    }

    private static Report deferral(String text) {
        return new Report(Report.Kind.DEFERRAL, text);
    }

    private static Report failure(String text) {
        return new Report(Report.Kind.FAILURE, text);
    }

    @Test
    void rem11_withoutPipeliningEachCommandWaitsForItsReply() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org"))
                .client("MAIL FROM:<a@x.org>")
                .server("250 ok").client("RCPT TO:<b@y.org>")
                .server("250 ok").client("RCPT TO:<c@y.org>")
                .server("250 ok").client("DATA")
                .server("354 go").client("Subject: t", "", "hello", ".")
                .server("250 ok 1234").client("[finished]", "[ready]");
        Report accepted = success(PEER + " accepted message.\nRemote host said: 250 ok 1234");
        assertEquals(List.of(accepted, accepted), t.last().reports());
    }

    @Test
    void rfc2920_pipeliningSendsMailEveryRcptAndDataInOneWrite() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org"), "PIPELINING");
        t.client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "RCPT TO:<c@y.org>", "DATA");
        t.server("250 ok", "250 ok", "250 ok").nothing()
                .server("354 go").client("Subject: t", "", "hello", ".")
                .server("250 queued").client("[finished]", "[ready]");
        assertEquals(success(PEER + " accepted message.\nRemote host said: 250 queued"), t.report(1));
    }

    @Test
    void rfc2920_theWholeGroupIsOneWrite() {
        ClientTranscript t = new ClientTranscript();
        t.send(tx("a@x.org", "b@y.org", "c@y.org")).server("220 hi");
        int afterEhlo = t.writes;
        t.server("250-mx", "250 PIPELINING");
        assertEquals(afterEhlo + 1, t.writes);
    }

    @Test
    void rfc1870_rfc6152_sizeAndBodyOnlyWhenOfferedAndUseful() {
        // SIZE is the size as stored: "Subject: t\n\nhello\n" is 18 octets.
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "SIZE 1000000", "8BITMIME")
                .client("MAIL FROM:<a@x.org> SIZE=18");
        ClientTranscript.ehlo(ClientTranscript.message("caf\u00e9\n", "a@x.org", "b@y.org"), "8BITMIME")
                .client("MAIL FROM:<a@x.org> BODY=8BITMIME");
        ClientTranscript.ehlo(ClientTranscript.message("caf\u00e9\n", "a@x.org", "b@y.org"), "SIZE")
                .client("MAIL FROM:<a@x.org> SIZE=5");
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "size", "8bitmime")
                .client("MAIL FROM:<a@x.org> SIZE=18");
    }

    @Test
    void rfc1870_aMessageOverTheServersLimitFailsPermanentlyWithoutBeingOffered() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org"), "SIZE 17", "PIPELINING")
                .client("[finished]", "[ready]");
        Report tooBig = failure("message size 18 exceeds size limit 17 of server " + PEER + " (#5.3.4)");
        assertEquals(List.of(tooBig, tooBig), t.last().reports());
        t.send(ClientTranscript.message("small\n", "a@x.org", "b@y.org"))
                .client("MAIL FROM:<a@x.org> SIZE=6", "RCPT TO:<b@y.org>", "DATA");
    }

    @Test
    void rfc1870_aLimitOfZeroOrOneWeCannotReadIsNoLimit() {
        for (String keyword : new String[] {"SIZE 0", "SIZE", "SIZE 12x", "SIZE 99999999999999999999999"}) {
            ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), keyword).client("MAIL FROM:<a@x.org> SIZE=18");
        }
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "SIZE 18").client("MAIL FROM:<a@x.org> SIZE=18");
    }

    @Test
    void rem11_ehloRefusedFallsBackToHeloAndThenNoExtensionsAreUsed() {
        new ClientTranscript().send(tx("a@x.org", "b@y.org"))
                .server("220 old.example").client("EHLO quail.example")
                .server("502 what?").client("HELO quail.example")
                .server("250 old.example").client("MAIL FROM:<a@x.org>");
    }

    @Test
    void rem11_nameRejectedDefersAndCloses() {
        ClientTranscript t = new ClientTranscript().send(tx("a@x.org", "b@y.org"))
                .server("220 old.example").client("EHLO quail.example")
                .server("500 no").client("HELO quail.example")
                .server("501 bad name").client("[finished]", "QUIT", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but my name was rejected.\nRemote host said: 501 bad name"),
                t.report(0));
        ClientTranscript busy = new ClientTranscript().send(tx("a@x.org", "b@y.org"))
                .server("220 x").client("EHLO quail.example")
                .server("421 busy").client("[finished]", "QUIT", "[close]");
        assertEquals(Report.Kind.DEFERRAL, busy.report(0).kind());
    }

    @Test
    void rem11_greetingOtherThan220DefersEvenWhenPermanent() {
        ClientTranscript t = new ClientTranscript().send(tx("a@x.org", "b@y.org"))
                .server("554 go away").client("[finished]", "QUIT", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but greeting failed.\nRemote host said: 554 go away"),
                t.report(0));
    }

    @Test
    void rem12_aReplyThatIsNotThreeDigitsIsTemporary() {
        ClientTranscript t = new ClientTranscript().send(tx("a@x.org", "b@y.org"))
                .server("SSH-2.0-OpenSSH_9.2").client("[finished]", "QUIT", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but greeting failed.\nRemote host said: SSH-2.0-OpenSSH_9.2"),
                t.report(0));
    }

    @Test
    void rem12_a421ReplyMayHaveSeveralLines() {
        ClientTranscript t = new ClientTranscript().send(tx("a@x.org", "b@y.org"))
                .server("421-mx.example busy", "421 try later").client("[finished]", "QUIT", "[close]");
        assertEquals(deferral("Connected to " + PEER
                + " but greeting failed.\nRemote host said: 421-mx.example busy\n421 try later"), t.report(0));
    }

    @Test
    void rem11_senderRejectedPermanentlyFailsEveryRecipientThenRsetKeepsTheConnection() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org"))
                .client("MAIL FROM:<a@x.org>")
                .server("553 sorry, no mail from you").client("[finished]", "RSET")
                .server("250 flushed").client("[ready]");
        Report rejected = failure("Connected to " + PEER
                + " but sender was rejected.\nRemote host said: 553 sorry, no mail from you");
        assertEquals(List.of(rejected, rejected), t.last().reports());
    }

    @Test
    void rem11_senderRejectedTemporarilyDefers() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA")
                .server("451 greylisted", "503 need MAIL", "503 need MAIL").client("[finished]", "RSET");
        assertEquals(deferral("Connected to " + PEER + " but sender was rejected.\nRemote host said: 451 greylisted"),
                t.report(0));
    }

    @Test
    void rem20_eachRecipientHasItsOwnResultAndTheMessageGoesToTheAcceptedOnes() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org", "d@y.org"), "PIPELINING")
                .server("250 ok", "550 5.1.1 no such user", "450 4.2.1 mailbox busy", "250 ok", "354 go")
                .server("250 2.0.0 accepted");
        assertEquals(failure(PEER + " does not like recipient.\nRemote host said: 550 5.1.1 no such user"),
                t.report(0));
        assertEquals(deferral(PEER + " does not like recipient.\nRemote host said: 450 4.2.1 mailbox busy"),
                t.report(1));
        assertEquals(success(PEER + " accepted message.\nRemote host said: 250 2.0.0 accepted"), t.report(2));
    }

    @Test
    void rem20_noRecipientAcceptedGivesUpAndSaysSoInEachReport() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org"))
                .client("MAIL FROM:<a@x.org>")
                .server("250 ok").client("RCPT TO:<b@y.org>")
                .server("550 no").client("RCPT TO:<c@y.org>")
                .server("451 later").client("[finished]", "RSET")
                .server("250 ok").client("[ready]");
        assertEquals(failure(PEER + " does not like recipient.\nRemote host said: 550 no\nGiving up on " + PEER + "."),
                t.report(0));
        assertEquals(deferral(PEER + " does not like recipient.\nRemote host said: 451 later\nGiving up on " + PEER
                + "."), t.report(1));
    }

    @Test
    void rfc2920_noRecipientAcceptedButDataAcceptedSendsAnEmptyMessageThatDoesNotCount() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA")
                .server("250 ok", "550 no", "354 go").client(".")
                .server("554 no valid recipients").client("[finished]", "RSET");
        assertEquals(Report.Kind.FAILURE, t.report(0).kind());
        assertTrue(t.report(0).text().endsWith("Giving up on " + PEER + "."));
    }

    @Test
    void rem11_dataRefused() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "451 4.3.0 try later")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA", "[finished]", "RSET");
        assertEquals(deferral(PEER + " failed on DATA command.\nRemote host said: 451 4.3.0 try later"), t.report(0));
        ClientTranscript p = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "554 no");
        assertEquals(failure(PEER + " failed on DATA command.\nRemote host said: 554 no"), p.report(0));
    }

    @Test
    void rem11_finalReplyDecides() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "354 go").server("554 5.7.1 spam").client(
                        "MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA", "Subject: t", "", "hello", ".",
                        "[finished]", "[ready]");
        assertEquals(failure(PEER + " failed after I sent the message.\nRemote host said: 554 5.7.1 spam"),
                t.report(0));
        ClientTranscript z = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "354 go").server("452 4.3.1 disk full");
        assertEquals(Report.Kind.DEFERRAL, z.report(0).kind());
    }

    @Test
    void rem12_multiLineRepliesKeepEveryLine() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "550-5.1.1 The account", "550-5.1.1 does not", "550 5.1.1 exist.", "354 go");
        t.server("250 ok");
        assertEquals(Report.Kind.FAILURE, t.report(0).kind());
        assertEquals("Giving up on " + PEER + ".", t.report(0).text().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(t.report(0).text().contains(
                "Remote host said: 550-5.1.1 The account\n550-5.1.1 does not\n550 5.1.1 exist."), t.report(0).text());
    }

    @Test
    void rem12_replyTextKeepsAtMost5000Octets() {
        String line = "550-" + "x".repeat(996);
        for (int length : new int[] {4999, 5000, 5001, 20000}) {
            // lines of 1000 octets joined by '\n': the last one is cut to make the length
            StringBuilder reply = new StringBuilder();
            int lines = length / 1001 + 1;
            for (int i = 1; i < lines; i++) reply.append(line).append("\r\n");
            reply.append("550 ").append("x".repeat(length - (lines - 1) * 1001 - 4)).append("\r\n");
            ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org")).serverRaw(reply.toString());
            String said = t.report(0).text().substring(t.report(0).text().indexOf("said: ") + 6);
            assertEquals(Math.min(length, Reply.MAX_TEXT), said.length(), "reply of " + length);
        }
    }

    @Test
    void bounds_aReplyLineOverTheLimitIsAProtocolError() {
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org")).server("550 " + "x".repeat(ReplyReader.MAX_LINE - 5))
                .client("MAIL FROM:<a@x.org>", "[finished]", "RSET");
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"))
                .serverRaw("550 " + "x".repeat(ReplyReader.MAX_LINE - 3))
                .client("MAIL FROM:<a@x.org>", "[finished]", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but it sent a reply line longer than 2048 octets. (#4.5.0)"),
                t.report(0));
        // a line that never ends is cut as soon as it passes the bound; CRs count too
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org")).serverRaw("\r".repeat(ReplyReader.MAX_LINE + 1))
                .client("MAIL FROM:<a@x.org>", "[finished]", "[close]");
    }

    @Test
    void bounds_aReplyOfTooManyLinesIsAProtocolError() {
        String[] ok = new String[ReplyReader.MAX_LINES];
        java.util.Arrays.fill(ok, "250-ok");
        ok[ok.length - 1] = "250 ok";
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org")).server(ok).client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>");
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"))
                .serverRaw("250-ok\r\n".repeat(ReplyReader.MAX_LINES + 1))
                .client("MAIL FROM:<a@x.org>", "[finished]", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but it sent a reply of more than 100 lines. (#4.5.0)"),
                t.report(0));
    }

    @Test
    void bounds_anEhloReplyWithTooManyKeywordsIsAProtocolError() {
        String[] keywords = new String[Extensions.MAX_KEYWORDS];
        java.util.Arrays.fill(keywords, "X-KEYWORD");
        keywords[0] = "PIPELINING";
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), keywords).client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>",
                "DATA");
        String[] many = java.util.Arrays.copyOf(keywords, keywords.length + 1);
        many[many.length - 1] = "X-ONE-MORE";
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), many).client("[finished]", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but it sent an EHLO reply of more than 50 keywords. (#4.5.0)"),
                t.report(0));
    }

    @Test
    void body_aReplyBeforeTheBodyIsSentIsAProtocolError() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING").holdBody()
                .server("250 ok", "250 ok", "354 go").client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA",
                        "[body]")
                .server("250 accepted?").client("[finished]", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but it sent a reply before the end of the message. (#4.5.0)"),
                t.report(0));
        assertTrue(t.sendBody().results.size() == 1, "a body sent after the end changes nothing");
    }

    @Test
    void body_aMessageThatCannotBeReadEndsTheConnectionWithoutTheDot() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING").holdBody()
                .server("250 ok", "250 ok", "354 go").client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA",
                        "[body]")
                .bodyFailed().client("[finished]", "[close]");
        assertEquals(deferral("Unable to read message. (#4.3.0)"), t.report(0));
        assertFalse(t.session.canSend());
    }

    @Test
    void deadline_cutsTheTransactionAndSaysWhetherTheDotWasSent() {
        ClientTranscript before = ClientTranscript.ehlo(tx("a@x.org", "b@y.org")).server("250 ok")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>").deadline(20).client("[finished]", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but the transaction took more than 20 seconds. (#4.4.2)"),
                before.report(0));
        ClientTranscript after = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "354 go").deadline(20);
        assertEquals(deferral("Connected to " + PEER
                + " but the transaction took more than 20 seconds. Possible duplicate! (#4.4.2)"), after.report(0));
        ClientTranscript greeting = new ClientTranscript().send(tx("a@x.org", "b@y.org")).deadline(20)
                .client("[finished]", "[close]");
        assertEquals(Report.Kind.DEFERRAL, greeting.report(0).kind());
    }

    @Test
    void quit_whileATransactionRunsWaitsForItsEnd() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING").holdBody()
                .server("250 ok", "250 ok", "354 go").quit().client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>",
                        "DATA", "[body]");
        assertFalse(t.session.canSend());
        t.sendBody().client("Subject: t", "", "hello", ".").server("250 queued").client("[finished]", "QUIT")
                .server("221 bye").client("[close]");
        assertEquals(Report.Kind.SUCCESS, t.report(0).kind());
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org")).quit().server("550 no")
                .client("MAIL FROM:<a@x.org>", "[finished]", "QUIT");
    }

    @Test
    void rem12_crDroppedAndNulShownAsQuestionMark() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"));
        t.serverRaw("553 bad\0\rsender\r\n");
        assertEquals("Connected to " + PEER + " but sender was rejected.\nRemote host said: 553 bad?sender",
                t.report(0).text());
    }

    @Test
    void repliesMayArriveInAnyChunks() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING").client(
                "MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA");
        for (char c : "250 ok\r\n250 ok\r\n354 go\r\n".toCharArray()) t.serverRaw(String.valueOf(c));
        t.client("Subject: t", "", "hello", ".");
        for (char c : "250-a\r\n250 b\r\n".toCharArray()) t.serverRaw(String.valueOf(c));
        t.client("[finished]", "[ready]");
        assertEquals(success(PEER + " accepted message.\nRemote host said: 250-a\n250 b"), t.report(0));
    }

    @Test
    void rem13_bodyIsDotStuffedWithCrlfAndExistingCrlfIsNotDoubled() {
        ClientTranscript.ehlo(ClientTranscript.message(".a\n..b\nc.\r\n.\n\n", "a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "354 go")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA", "..a", "...b", "c.", "..", "", ".");
    }

    @Test
    void rem13_emptyMessageIsJustTheDot() {
        ClientTranscript.ehlo(ClientTranscript.message("", "a@x.org", "b@y.org"), "PIPELINING").server("250 ok", "250 ok", "354 go")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA", ".");
    }

    @Test
    void rem13_partialFinalLineFailsWithoutSendingAnything() {
        ClientTranscript t = ClientTranscript.ehlo(ClientTranscript.message("no newline", "a@x.org", "b@y.org"), "PIPELINING")
                .client("[finished]", "[ready]");
        assertEquals(failure("SMTP cannot transfer messages with partial final lines. (#5.6.2)"), t.report(0));
        t.send(tx("a@x.org", "b@y.org")).client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA");
    }

    @Test
    void rem15_localPartsAreQuotedWhenTheyMustBeAndTheNullSenderIsEmpty() {
        ClientTranscript.ehlo(tx("", "john doe@x.org", "\"q\\@y.org", "a..b@y.org", ".a@y.org", "@y.org",
                        "caf\u00e9@y.org", "o'k+tag/=?x@y.org", "user@host@y.org", "noat"), "PIPELINING")
                .client("MAIL FROM:<>", "RCPT TO:<\"john doe\"@x.org>", "RCPT TO:<\"\\\"q\\\\\"@y.org>",
                        "RCPT TO:<\"a..b\"@y.org>", "RCPT TO:<\".a\"@y.org>", "RCPT TO:<\"\"@y.org>",
                        "RCPT TO:<\"caf\u00e9\"@y.org>", "RCPT TO:<o'k+tag/=?x@y.org>",
                        "RCPT TO:<\"user@host\"@y.org>", "RCPT TO:<noat>", "DATA");
    }

    @Test
    void rem14_connectionLostBeforeTheDotDefers() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org"), "PIPELINING")
                .server("250 ok", "550 no").lost().client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>",
                        "RCPT TO:<c@y.org>", "DATA", "[finished]");
        assertEquals(failure(PEER + " does not like recipient.\nRemote host said: 550 no"), t.report(0));
        assertEquals(deferral("Connected to " + PEER + " but connection died. (#4.4.2)"), t.report(1));
    }

    @Test
    void rem14_connectionLostAfterTheDotIsAPossibleDuplicate() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "354 go").lost();
        assertEquals(deferral("Connected to " + PEER + " but connection died. Possible duplicate! (#4.4.2)"),
                t.report(0));
        assertTrue(t.lost().results.size() == 1, "a lost connection reports once");
    }

    @Test
    void rem14_connectionLostBeforeTheGreetingDefersThePendingTransaction() {
        ClientTranscript t = new ClientTranscript().send(tx("a@x.org", "b@y.org")).lost().client("[finished]");
        assertEquals(deferral("Connected to " + PEER + " but connection died. (#4.4.2)"), t.report(0));
    }

    @Test
    void reuse_theNextTransactionFollowsAFinalReplyDirectly() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "354 go").server("250 one");
        assertTrue(t.session.canSend());
        t.client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA", "Subject: t", "", "hello", ".",
                "[finished]", "[ready]");
        t.send(tx("other@x.org", "c@z.org")).client("MAIL FROM:<other@x.org>", "RCPT TO:<c@z.org>", "DATA")
                .server("250 ok", "250 ok", "354 go").server("250 two").client("Subject: t", "", "hello", ".",
                        "[finished]", "[ready]");
        assertEquals(success(PEER + " accepted message.\nRemote host said: 250 two"), t.report(0));
    }

    @Test
    void reuse_aTransactionCannotStartWhileAnotherIsRunning() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"));
        assertFalse(t.session.canSend());
        assertThrows(IllegalStateException.class, () -> t.session.send(tx("a@x.org", "c@y.org").transaction()));
    }

    @Test
    void reuse_aFailedRsetClosesTheConnection() {
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org")).server("553 no").client("MAIL FROM:<a@x.org>",
                "[finished]", "RSET").server("500 what").client("QUIT", "[close]");
    }

    @Test
    void rfc5321_tooManyRecipientsAreToBeSentInAnotherTransaction() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org", "d@y.org"), "PIPELINING")
                .server("250 ok", "250 ok", "452 4.5.3 too many recipients", "452 4.5.3 too many recipients",
                        "354 go").server("250 ok");
        assertEquals(List.of(1, 2), t.last().tooMany());
        ClientTranscript none = ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING")
                .server("250 ok", "452 4.5.3 too many", "554 no valid recipients");
        assertEquals(List.of(), none.last().tooMany());
        assertEquals(Report.Kind.DEFERRAL, none.report(0).kind());
    }

    @Test
    void rfc5321_421ClosesAndWhatWasNotSettledIsDeferred() {
        ClientTranscript t = ClientTranscript.ehlo(tx("a@x.org", "b@y.org", "c@y.org"))
                .server("250 ok").server("250 ok").server("421 4.3.2 shutting down")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "RCPT TO:<c@y.org>", "[finished]", "[close]");
        assertEquals(deferral("Connected to " + PEER + " but connection died. (#4.4.2)"), t.report(0));
        assertEquals(deferral(PEER + " does not like recipient.\nRemote host said: 421 4.3.2 shutting down\n"
                + "Connected to " + PEER + " but connection died. (#4.4.2)"), t.report(1));
        assertFalse(t.session.canSend());
    }

    @Test
    void quitWaitsForTheReplyThenCloses() {
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING").server("250 ok", "250 ok", "354 go").server("250 ok")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA", "Subject: t", "", "hello", ".",
                        "[finished]", "[ready]")
                .quit().client("QUIT").server("221 bye").client("[close]");
    }

    @Test
    void anUnsolicitedReplyOnAnIdleConnectionCloses() {
        ClientTranscript.ehlo(tx("a@x.org", "b@y.org"), "PIPELINING").server("250 ok", "250 ok", "354 go").server("250 ok")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA", "Subject: t", "", "hello", ".",
                        "[finished]", "[ready]")
                .server("421 idle too long").client("[close]");
    }
}
