package dev.quail.engine.dkim;

import dev.quail.config.ControlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The private keys under control/dkim/DOMAIN/SELECTOR, PKCS#8 PEM, mode 0600: written by {@code quail dkim keygen},
 * read at delivery. A key is read once and kept until its file changes, so a replaced key is used from the next
 * message on without a restart, and a key that does not load leaves that domain unsigned (the delivery goes on).
 */
public final class DkimKeys {
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private record Loaded(FileTime modified, PrivateKey key) {}

    private final Path dir;
    private final ConcurrentHashMap<Path, Loaded> cache = new ConcurrentHashMap<>();

    public DkimKeys(Path controlDir) {
        this.dir = controlDir.resolve("dkim");
    }

    public Path file(String domain, String selector) {
        return dir.resolve(domain).resolve(selector);
    }

    /** The key, or empty when there is none; IOException when the file is there but is not a private key. */
    Optional<PrivateKey> key(String domain, String selector) throws IOException {
        Path file = file(domain, selector);
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
        Loaded loaded = cache.get(file);
        if (loaded == null || !loaded.modified().equals(modified)) {
            loaded = new Loaded(modified, read(file));
            cache.put(file, loaded);
        }
        return Optional.of(loaded.key());
    }

    private static PrivateKey read(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) throw new IOException(file + " is not a PKCS#8 PEM private key");
        PKCS8EncodedKeySpec der = new PKCS8EncodedKeySpec(
                Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end)));
        for (Algorithm a : Algorithm.values()) {
            try {
                return KeyFactory.getInstance(a.jdkName).generatePrivate(der);
            } catch (GeneralSecurityException notThisOne) {
                // the file does not say which; the next algorithm may read it
            }
        }
        throw new IOException(file + " holds neither an RSA nor an Ed25519 private key");
    }

    /** The key types DKIM knows: its k= name and the JDK's. */
    public enum Algorithm {
        RSA("rsa", "RSA"), ED25519("ed25519", "Ed25519");

        final String tag;
        final String jdkName;

        Algorithm(String tag, String jdkName) {
            this.tag = tag;
            this.jdkName = jdkName;
        }
    }

    /**
     * Makes a new key for DOMAIN/SELECTOR, replacing any there, and returns the DNS record to publish. The file is
     * created 0600 before a byte of the key is written into it. RSA keys are 2048 bits, what receivers expect today.
     */
    public String generate(String domain, String selector, Algorithm algorithm) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jdkName);
            if (algorithm == Algorithm.RSA) generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a " + algorithm.tag + " key: " + e.getMessage(), e);
        }
        Path file = file(domain, selector);
        Files.createDirectories(file.getParent());
        if (Files.notExists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        List<String> lines = new ArrayList<>();
        lines.add(BEGIN);
        String body = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        for (int i = 0; i < body.length(); i += 64) lines.add(body.substring(i, Math.min(body.length(), i + 64)));
        lines.add(END);
        ControlWriter.write(file, lines);
        return txtRecord(domain, selector, algorithm, pair.getPublic());
    }

    /**
     * The zone-file line; DNS strings hold at most 255 octets, so the key is cut into several. p= is the
     * SubjectPublicKeyInfo for RSA, and for Ed25519 the bare 32-octet key (RFC 8463), the last 32 of its encoding.
     */
    static String txtRecord(String domain, String selector, Algorithm algorithm, PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (algorithm == Algorithm.ED25519) encoded = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        String p = Base64.getEncoder().encodeToString(encoded);
        StringBuilder record = new StringBuilder(selector + "._domainkey." + domain + ". IN TXT ( \"v=DKIM1; k="
                + algorithm.tag + "; \"");
        for (int i = 0; i < p.length(); i += 250) {
            record.append(" \"").append(i == 0 ? "p=" : "").append(p, i, Math.min(p.length(), i + 250)).append('"');
        }
        return record.append(" )").toString();
    }
}
