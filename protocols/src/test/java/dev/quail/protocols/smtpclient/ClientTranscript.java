/*
 * ClientTranscript: drives a ClientSession the way a test reads an SMTP dialogue. server(...) feeds
 * reply lines (CRLF added); client(...) asserts what the session did since the last check, one entry
 * per written line ("C: " lines without their CRLF) plus "[finished]", "[ready]", "[close]" and "[starttls]".
 * Each Finished result is kept for assertions.
 */
package dev.quail.protocols.smtpclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class ClientTranscript {
    static final String PEER = "192.0.2.25";

    final ClientSession session;
    final List<TransactionResult> results = new ArrayList<>();
    private final List<String> unchecked = new ArrayList<>();
    /** The number of Write outputs so far: PIPELINING puts a whole command group in one. */
    int writes;

    ClientTranscript() {
        this(TlsPolicy.NONE);
    }

    ClientTranscript(TlsPolicy tls) {
        session = new ClientSession("quail.example", PEER, tls);
    }

    static Transaction tx(String sender, String... recipients) {
        return message("Subject: t\n\nhello\n", sender, recipients);
    }

    static Transaction message(String body, String sender, String... recipients) {
        return new Transaction(sender, List.of(recipients), body.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A session that has sent tx after a greeting and an EHLO reply with the given keyword lines. */
    static ClientTranscript ehlo(Transaction tx, String... keywords) {
        ClientTranscript t = new ClientTranscript();
        t.send(tx).server("220 mx.example ESMTP").client("EHLO quail.example");
        List<String> lines = new ArrayList<>();
        lines.add("mx.example hello");
        lines.addAll(Arrays.asList(keywords));
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(i + 1 < lines.size() ? "250-" : "250 ").append(lines.get(i)).append("\r\n");
        }
        return t.serverRaw(reply.toString());
    }

    ClientTranscript send(Transaction tx) {
        record(session.send(tx));
        return this;
    }

    ClientTranscript server(String... lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) b.append(line).append("\r\n");
        return serverRaw(b.toString());
    }

    ClientTranscript serverRaw(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        record(session.receive(bytes, 0, bytes.length));
        return this;
    }

    ClientTranscript quit() {
        record(session.quit());
        return this;
    }

    ClientTranscript tlsStarted() {
        record(session.tlsStarted());
        return this;
    }

    ClientTranscript tlsFailed(String reason) {
        record(session.tlsFailed(reason));
        return this;
    }

    ClientTranscript lost() {
        record(session.closed());
        return this;
    }

    ClientTranscript client(String... expected) {
        assertEquals(Arrays.asList(expected), List.copyOf(unchecked));
        unchecked.clear();
        return this;
    }

    ClientTranscript nothing() {
        return client();
    }

    TransactionResult last() {
        assertFalse(results.isEmpty(), "no transaction finished");
        return results.get(results.size() - 1);
    }

    Report report(int recipient) {
        return last().reports().get(recipient);
    }

    private void record(List<ClientOutput> outputs) {
        for (ClientOutput o : outputs) {
            if (o instanceof ClientOutput.Write w) {
                writes++;
                String text = new String(w.bytes(), StandardCharsets.ISO_8859_1);
                String[] lines = text.split("\r\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (i < lines.length - 1 || !lines[i].isEmpty()) unchecked.add(lines[i]);
                }
            } else if (o instanceof ClientOutput.Finished f) {
                results.add(f.result());
                unchecked.add("[finished]");
            } else if (o instanceof ClientOutput.Ready) {
                unchecked.add("[ready]");
            } else if (o instanceof ClientOutput.StartTls) {
                unchecked.add("[starttls]");
            } else {
                unchecked.add("[close]");
            }
        }
    }
}
