package dev.quail.engine.dkim;

import dev.quail.config.DkimDomains;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;

/**
 * The DKIM-Signature a message gets on its way out, relaxed/relaxed, rsa-sha256 (RFC 6376) or ed25519-sha256
 * (RFC 8463) as its key is, made in one pass over the message as the queue stores it: the header is read and kept
 * (at most {@link #MAX_HEADER} octets), the body only runs through the body hash, so a message of any size costs a header's worth of heap. The message is signed
 * as it will be on the wire, with CRLF line ends; the field comes back with the queue's LF ends, to be sent before
 * the message by the same encoder.
 *
 * <p>Signed: the fields a receiver shows or acts on, each occurrence, and From once more than it occurs, so that
 * a From added in transit breaks the signature (RFC 6376 8.15). The List-* fields are among them, so a list post
 * personalised per recipient is signed per recipient.
 */
public final class DkimSigner {
    /** A header this large is not one anyone signs (nor a verifier reads): such a message goes out unsigned. */
    static final int MAX_HEADER = 256 * 1024;
    static final List<String> SIGNED = List.of("from", "sender", "reply-to", "to", "cc", "subject", "date",
            "message-id", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
            "list-id", "list-help", "list-subscribe", "list-unsubscribe", "list-unsubscribe-post", "list-post",
            "list-owner", "list-archive");

    private final DkimKeys keys;
    private final Clock clock;

    public DkimSigner(DkimKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The signer of a home's control directory, on the system clock. */
    public static DkimSigner of(Path controlDir) {
        return new DkimSigner(new DkimKeys(controlDir), Clock.systemUTC());
    }

    /**
     * The field, LF-terminated, for the stored message read from {@code message}, or empty when its author's
     * domain has no key. IOException when it should be signed and cannot be (an unreadable key, a bad header):
     * the caller decides whether mail goes out unsigned.
     */
    public Optional<byte[]> sign(DkimDomains domains, InputStream message) throws IOException {
        Optional<Fields> read = Fields.read(message);
        if (read.isEmpty()) return Optional.empty();
        Fields fields = read.get();
        Optional<DkimDomains.Signing> signing = author(fields).flatMap(domains::forAuthor);
        if (signing.isEmpty()) return Optional.empty();
        DkimDomains.Signing s = signing.get();
        Optional<PrivateKey> key = keys.key(s.domain(), s.selector());
        if (key.isEmpty()) return Optional.empty();
        boolean ed25519 = key.get().getAlgorithm().startsWith("Ed");
        String template = "v=1; a=" + (ed25519 ? "ed25519" : "rsa") + "-sha256; c=relaxed/relaxed; d=" + s.domain()
                + "; s=" + s.selector() + "; t=" + clock.instant().getEpochSecond() + "; h="
                + String.join(":", signedNames(fields)) + "; bh=; b=;";
        try {
            DKIMSigner signer = new DKIMSigner(template, key.get());
            BodyHasherImpl hasher = (BodyHasherImpl) signer.newBodyHasher(signer.newSignatureRecordTemplate(template));
            try (OutputStream body = new CrlfOutputStream(hasher.getOutputStream())) {
                message.transferTo(body);
            }
            String field = ed25519 ? Ed25519Signing.sign(fields, hasher, key.get()) : signer.sign(fields, hasher);
            return Optional.of(folded(field).getBytes(StandardCharsets.US_ASCII));
        } catch (FailException | GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot DKIM-sign for " + s.domain() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<String> author(Fields fields) {
        List<String> from = fields.getFields("from");
        if (from.isEmpty()) return Optional.empty();
        String field = from.get(0);
        MailboxList mailboxes;
        try {
            mailboxes = DefaultAddressParser.DEFAULT.parseAddressList(field.substring(field.indexOf(':') + 1)).flatten();
        } catch (ParseException unreadable) {
            return Optional.empty(); // no domain can be named as its author: nothing to sign for
        }
        if (mailboxes.isEmpty()) return Optional.empty();
        Mailbox first = mailboxes.get(0);
        return first.getDomain() == null ? Optional.empty() : Optional.of(first.getDomain().toLowerCase(Locale.ROOT));
    }

    private static List<String> signedNames(Fields fields) {
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            int n = fields.getFields(name).size();
            for (int i = 0; i < n; i++) names.add(name);
        }
        names.add("from");
        return names;
    }

    /** Under the 998-octet line limit: a fold after each tag, which relaxed canonicalisation undoes. */
    private static String folded(String field) {
        return field.replace("; ", ";\n\t") + "\n";
    }

    /** The header fields as they will be sent: each whole, folding kept, CRLF line ends, without the last CRLF. */
    static final class Fields implements Headers {
        private final List<String> fields = new ArrayList<>();

        /** Empty when the header is over {@link #MAX_HEADER} octets. */
        static Optional<Fields> read(InputStream message) throws IOException {
            Fields out = new Fields();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            StringBuilder field = null;
            int total = 0;
            for (int b = message.read(); ; b = message.read()) {
                if (b < 0 && line.size() == 0) break; // a message of header only
                if (++total > MAX_HEADER) return Optional.empty();
                if (b >= 0 && b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.ISO_8859_1);
                line.reset();
                if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
                if (text.isEmpty()) break; // the blank line: the body follows
                if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && field != null) {
                    field.append("\r\n").append(text);
                } else {
                    if (field != null) out.fields.add(field.toString());
                    field = new StringBuilder(text);
                }
                if (b < 0) break;
            }
            if (field != null) out.fields.add(field.toString());
            return Optional.of(out);
        }

        @Override
        public List<String> getFields() {
            return fields;
        }

        @Override
        public List<String> getFields(String name) {
            List<String> named = new ArrayList<>();
            for (String f : fields) {
                int colon = f.indexOf(':');
                if (colon > 0 && f.substring(0, colon).strip().equalsIgnoreCase(name)) named.add(f);
            }
            return named;
        }
    }

    /** The queue's LF line ends as the wire's CRLF; a CR already before an LF stays alone, as DataEncoder does. */
    private static final class CrlfOutputStream extends OutputStream {
        private final OutputStream out;
        private boolean afterCr;

        CrlfOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n' && !afterCr) out.write('\r');
            out.write(b);
            afterCr = b == '\r';
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int end = offset + length;
            int from = offset;
            for (int i = offset; i < end; i++) {
                if (bytes[i] == '\n' && !(i > offset ? bytes[i - 1] == '\r' : afterCr)) {
                    out.write(bytes, from, i - from);
                    out.write('\r');
                    from = i;
                }
            }
            out.write(bytes, from, end - from);
            if (length > 0) afterCr = bytes[end - 1] == '\r';
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
