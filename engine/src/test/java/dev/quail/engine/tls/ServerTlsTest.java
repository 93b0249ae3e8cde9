package dev.quail.engine.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** control/servercert.pem: generated when absent, private, and replaced without a restart. */
class ServerTlsTest {
    @TempDir
    Path dir;

    /** The certificate a client is shown by a connection opened now. */
    static X509Certificate served(ServerTls tls) throws Exception {
        SSLEngine clientEngine = ClientTls.newEngine("127.0.0.1", 25);
        TlsCodec server = TlsCodec.server(tls.newEngine());
        TlsCodec client = TlsCodec.client(clientEngine);
        TlsCodecTest.converse(client, server, client.start(), ByteString.emptyByteString());
        return (X509Certificate) clientEngine.getSession().getPeerCertificates()[0];
    }

    @Test
    void anAbsentFileGetsASelfSignedCertificateForMeReadableOnlyByTheOwner() throws Exception {
        Path file = dir.resolve("servercert.pem");
        X509Certificate cert = served(ServerTls.open(file, "mx.quail.test"));
        assertEquals("CN=mx.quail.test", cert.getSubjectX500Principal().getName());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        String pem = Files.readString(file);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
        assertTrue(pem.contains("-----BEGIN CERTIFICATE-----"), pem);
    }

    @Test
    void aReplacedFileIsUsedByTheNextConnectionAndABrokenOneIsNot() throws Exception {
        Path file = dir.resolve("servercert.pem");
        ServerTls tls = ServerTls.open(file, "one.quail.test");
        X509Certificate first = served(tls);

        Path other = dir.resolve("other.pem");
        CertificateFile.writeSelfSigned(other, "two.quail.test");
        Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        X509Certificate second = served(tls);
        assertEquals("CN=two.quail.test", second.getSubjectX500Principal().getName());
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());

        String pem = Files.readString(file);
        Files.writeString(file, pem.substring(0, pem.length() / 2)); // caught half-written
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(second.getSerialNumber(), served(tls).getSerialNumber());
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        Path a = dir.resolve("a.pem");
        Path b = dir.resolve("b.pem");
        CertificateFile.writeSelfSigned(a, "a.quail.test");
        CertificateFile.writeSelfSigned(b, "b.quail.test");
        String keyOfA = Files.readString(a).split("-----BEGIN CERTIFICATE-----")[0];
        String certOfB = "-----BEGIN CERTIFICATE-----" + Files.readString(b).split("-----BEGIN CERTIFICATE-----")[1];
        Path mixed = dir.resolve("mixed.pem");
        Files.writeString(mixed, keyOfA + certOfB);
        org.junit.jupiter.api.Assertions.assertThrows(java.security.GeneralSecurityException.class,
                () -> CertificateFile.load(mixed));
    }
}
