/*
 * ClientTranscript: drives a ClientSession the way a test reads an SMTP dialogue. server(...) feeds
 * reply lines (CRLF added); client(...) asserts what the session did since the last check, one entry
 * per written line ("C: " lines without their CRLF) plus "[finished]", "[ready]", "[close]" and "[starttls]".
 * Each Finished result is kept for assertions. On SendBody the transcript streams the message as the edge
 * does, through a DataEncoder in small pieces, and reports bodySent(); holdBody() keeps it back instead, so
 * a test can act while the body is on its way ("[body]" marks the request) and release it with sendBody().
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

    /** A transaction and the stored message it stands for. */
    record Message(Transaction transaction, byte[] body) {}

    final ClientSession session;
    final List<TransactionResult> results = new ArrayList<>();
    private byte[] body;
    private boolean holdBody;
    private final List<String> unchecked = new ArrayList<>();
    /** The number of Write outputs so far: PIPELINING puts a whole command group in one. */
    int writes;

    ClientTranscript() {
        this(TlsPolicy.NONE);
    }

    ClientTranscript(TlsPolicy tls) {
        session = new ClientSession("quail.example", PEER, tls);
    }

    static Message tx(String sender, String... recipients) {
        return message("Subject: t\n\nhello\n", sender, recipients);
    }

    static Message message(String body, String sender, String... recipients) {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        boolean eightBit = false;
        for (byte b : bytes) eightBit |= b < 0;
        boolean partial = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        return new Message(new Transaction(sender, List.of(recipients), bytes.length, eightBit, partial), bytes);
    }

    /** A session that has sent tx after a greeting and an EHLO reply with the given keyword lines. */
    static ClientTranscript ehlo(Message tx, String... keywords) {
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

    ClientTranscript send(Message tx) {
        body = tx.body();
        record(session.send(tx.transaction()));
        return this;
    }

    ClientTranscript holdBody() {
        holdBody = true;
        return this;
    }

    /** Streams the held body now. */
    ClientTranscript sendBody() {
        holdBody = false;
        streamBody();
        return this;
    }

    ClientTranscript bodyFailed() {
        record(session.bodyFailed());
        return this;
    }

    ClientTranscript deadline(long seconds) {
        record(session.deadline(seconds));
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

    private void streamBody() {
        DataEncoder encoder = new DataEncoder();
        StringBuilder wire = new StringBuilder();
        for (int at = 0; at < body.length; at += 3) {
            wire.append(new String(encoder.encode(body, at, Math.min(3, body.length - at)),
                    StandardCharsets.ISO_8859_1));
        }
        wire.append(new String(encoder.finish(), StandardCharsets.ISO_8859_1));
        lines(wire.toString());
        record(session.bodySent());
    }

    private void record(List<ClientOutput> outputs) {
        for (ClientOutput o : outputs) {
            if (o instanceof ClientOutput.Write w) {
                writes++;
                lines(new String(w.bytes(), StandardCharsets.ISO_8859_1));
            } else if (o instanceof ClientOutput.Finished f) {
                results.add(f.result());
                unchecked.add("[finished]");
            } else if (o instanceof ClientOutput.Ready) {
                unchecked.add("[ready]");
            } else if (o instanceof ClientOutput.SendBody) {
                if (holdBody) unchecked.add("[body]");
                else streamBody();
            } else if (o instanceof ClientOutput.StartTls) {
                unchecked.add("[starttls]");
            } else {
                unchecked.add("[close]");
            }
        }
    }

    private void lines(String text) {
        String[] lines = text.split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i < lines.length - 1 || !lines[i].isEmpty()) unchecked.add(lines[i]);
        }
    }
}
