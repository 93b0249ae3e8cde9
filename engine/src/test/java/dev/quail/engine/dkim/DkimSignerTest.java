package dev.quail.engine.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.DkimDomains;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures checked by jDKIM's verifier (a separate code path from its signer: it parses the message and the
 * DKIM-Signature field afresh), fed the TXT record keygen prints. The system test checks them with dkimpy too.
 */
class DkimSignerTest {
    private static final String HEADER = "From: Alice <alice@example.test>\nTo: bob@remote.example\n"
            + "Subject: a\n  folded subject\nDate: Wed, 02 Dec 2026 10:00:00 +0000\nMessage-ID: <1@example.test>\n"
            + "Received: from somewhere\n";

    @TempDir
    Path control;

    private final DkimDomains signed = new DkimDomains(Map.of("example.test", "s1", ".example.test", "s1"));

    private String record;

    private DkimSigner signer(DkimKeys.Algorithm algorithm) throws IOException {
        DkimKeys keys = new DkimKeys(control);
        record = keys.generate("example.test", "s1", algorithm);
        return new DkimSigner(keys, Clock.systemUTC());
    }

    /** The message as the wire has it: the field, then the stored message with CRLF line ends. */
    private static byte[] wire(byte[] field, String stored) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(field);
        out.writeBytes(stored.getBytes(StandardCharsets.ISO_8859_1));
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1).replaceAll("(?<!\r)\n", "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private boolean verifies(byte[] wire) throws IOException {
        Matcher strings = Pattern.compile("\"([^\"]*)\"").matcher(record);
        StringBuilder txt = new StringBuilder();
        while (strings.find()) txt.append(strings.group(1));
        DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> List.of(txt.toString()));
        try {
            return !verifier.verify(new ByteArrayInputStream(wire)).isEmpty();
        } catch (FailException e) {
            return false;
        }
    }

    private static Optional<byte[]> sign(DkimSigner signer, DkimDomains domains, String stored) throws IOException {
        return signer.sign(domains, new ByteArrayInputStream(stored.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void anRsaSignatureOverTheWireFormVerifiesAndNotOnceTheBodyOrASignedHeaderChanges() throws IOException {
        DkimSigner signer = signer(DkimKeys.Algorithm.RSA);
        String stored = HEADER + "\nbody line\n.dot line\r\nalready crlf\n\n\n";
        byte[] field = sign(signer, signed, stored).orElseThrow();
        String text = new String(field, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("DKIM-Signature:") && text.endsWith("\n") && !text.contains("\r"), text);
        for (String line : text.split("\n")) assertTrue(line.length() < 998, line);
        assertTrue(text.contains("h=from:to:subject:date:message-id:from;"), text);
        assertTrue(verifies(wire(field, stored)));
        assertFalse(verifies(wire(field, stored.replace("body line", "body lime"))));
        assertFalse(verifies(wire(field, stored.replace("folded subject", "folded subjects"))));
        // Received is not signed: a relay may add one.
        assertTrue(verifies(wire(field, "Received: from a relay\n" + stored)));
    }

    @Test
    void subdomainsSignWithTheParentDomainAndOthersAreNotSigned() throws IOException {
        DkimSigner signer = signer(DkimKeys.Algorithm.RSA);
        String sub = HEADER.replace("alice@example.test", "list@lists.example.test") + "\nhi\n";
        String field = new String(sign(signer, signed, sub).orElseThrow(), StandardCharsets.US_ASCII);
        assertTrue(field.contains("d=example.test;"), field);
        assertTrue(sign(signer, signed, HEADER.replace("example.test>", "elsewhere.test>") + "\nhi\n").isEmpty());
        assertTrue(sign(signer, new DkimDomains(Map.of()), HEADER + "\nhi\n").isEmpty());
        assertTrue(sign(signer, signed, "Subject: no author\n\nhi\n").isEmpty());
        assertTrue(sign(signer, signed, "From: <<<not an address\n\nhi\n").isEmpty());
    }

    @Test
    void aHeaderBeyondTheCapGoesOutUnsignedAndABrokenKeyIsAnError() throws IOException {
        DkimSigner signer = signer(DkimKeys.Algorithm.RSA);
        String huge = HEADER + "X-Pad: " + "p".repeat(DkimSigner.MAX_HEADER) + "\n\nhi\n";
        assertTrue(sign(signer, signed, huge).isEmpty());
        Files.writeString(new DkimKeys(control).file("example.test", "s1"), "not a key\n");
        assertThrows(IOException.class, () -> sign(signer, signed, HEADER + "\nhi\n"));
    }

    @Test
    void ed25519KeysSignEd25519AndPublishTheBareKey() throws IOException {
        DkimSigner signer = signer(DkimKeys.Algorithm.ED25519);
        String field = new String(sign(signer, signed, HEADER + "\nhi\n").orElseThrow(), StandardCharsets.US_ASCII);
        assertTrue(field.contains("a=ed25519-sha256;"), field);
        Matcher p = Pattern.compile("p=([A-Za-z0-9+/=]+)").matcher(record);
        assertTrue(p.find(), record);
        assertEquals(32, java.util.Base64.getDecoder().decode(p.group(1)).length);
    }
}
