package dev.quail.engine.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two codecs talking to each other in memory, as the SMTP edges use them: handshake, data, close. */
class TlsCodecTest {
    @TempDir
    static Path dir;
    static ServerTls serverTls;
    /** How often each side (client, server) reported the handshake finished, over the last converse. */
    static int[] finishes = new int[2];

    @BeforeAll
    static void certificate() throws Exception {
        serverTls = ServerTls.open(dir.resolve("servercert.pem"), "mx.quail.test");
    }

    /** Carries bytes both ways until neither side has anything to say; returns what each side read. */
    static String[] converse(TlsCodec client, TlsCodec server, ByteString fromClient, ByteString fromServer)
            throws SSLException {
        StringBuilder clientRead = new StringBuilder();
        StringBuilder serverRead = new StringBuilder();
        ByteString toServer = fromClient;
        ByteString toClient = fromServer;
        finishes = new int[2];
        for (int i = 0; i < 20 && (!toServer.isEmpty() || !toClient.isEmpty()); i++) {
            TlsCodec.Received s = server.receive(toServer);
            serverRead.append(s.plaintext().utf8String());
            if (s.handshakeFinished()) finishes[1]++;
            TlsCodec.Received c = client.receive(toClient.concat(s.toSend()));
            clientRead.append(c.plaintext().utf8String());
            if (c.handshakeFinished()) finishes[0]++;
            toServer = c.toSend();
            toClient = ByteString.emptyByteString();
        }
        return new String[] {clientRead.toString(), serverRead.toString()};
    }

    @Test
    void handshakeThenDataBothWaysAndTheServerGreetingWaitsForTheHandshake() throws Exception {
        TlsCodec server = TlsCodec.server(serverTls.newEngine());
        TlsCodec client = TlsCodec.client(ClientTls.newEngine("127.0.0.1", 465));
        assertEquals(ByteString.emptyByteString(), server.send(ByteString.fromString("220 hello\r\n")));
        String[] read = converse(client, server, client.start(), ByteString.emptyByteString());
        assertTrue(server.handshakeDone());
        assertTrue(client.handshakeDone());
        assertEquals("220 hello\r\n", read[0]);
        assertEquals(1, finishes[0], "the client saw the handshake finish once (TLS 1.3 tickets come after it)");
        assertEquals(1, finishes[1], "the server saw the handshake finish once");
        assertTrue(client.description().startsWith("TLSv1.3 "), client.description());

        read = converse(client, server, client.send(ByteString.fromString("EHLO x\r\n")), ByteString.emptyByteString());
        assertEquals("EHLO x\r\n", read[1]);
        TlsCodec.Received r = client.receive(server.send(ByteString.fromString("250 ok\r\n".repeat(5000))));
        assertEquals("250 ok\r\n".repeat(5000), r.plaintext().utf8String());
    }

    @Test
    void aCloseNotifyIsSeenAsClosed() throws Exception {
        TlsCodec server = TlsCodec.server(serverTls.newEngine());
        TlsCodec client = TlsCodec.client(ClientTls.newEngine("127.0.0.1", 465));
        converse(client, server, client.start(), ByteString.emptyByteString());
        TlsCodec.Received r = server.receive(client.close());
        assertTrue(r.closed());
    }

    @Test
    void recordsSplitIntoSingleBytesStillDecode() throws Exception {
        TlsCodec server = TlsCodec.server(serverTls.newEngine());
        TlsCodec client = TlsCodec.client(ClientTls.newEngine("127.0.0.1", 465));
        converse(client, server, client.start(), ByteString.emptyByteString());
        ByteString record = client.send(ByteString.fromString("QUIT\r\n"));
        StringBuilder read = new StringBuilder();
        for (int i = 0; i < record.size(); i++) {
            read.append(server.receive(record.slice(i, i + 1)).plaintext().utf8String());
        }
        assertEquals("QUIT\r\n", read.toString());
    }

    @Test
    void plaintextWhereTlsIsExpectedFailsTheHandshake() throws Exception {
        TlsCodec server = TlsCodec.server(serverTls.newEngine());
        assertThrows(SSLException.class, () -> server.receive(ByteString.fromString("NOOP\r\nNOOP\r\nNOOP\r\n")));
        assertFalse(server.handshakeDone());
    }
}
