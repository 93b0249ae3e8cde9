package dev.quail.engine.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * control/servercert.pem, as qmail's TLS patch names it: one PEM file holding the private key (PKCS#8
 * "PRIVATE KEY", or the traditional "RSA/EC PRIVATE KEY") and the certificate chain, leaf first. Encrypted keys
 * are not supported: the server starts unattended. A file whose key does not belong to its first certificate is
 * refused, which also catches most files read while half-written.
 *
 * <p>The self-signed certificate written when the file is absent is for control/me (subject CN and a DNS
 * subjectAltName), ECDSA P-256 with SHA-256, valid for ten years; the file is mode 0600 and replaces nothing
 * (temporary file, fsync, atomic rename). ECDSA rather than RSA: every TLS client of the last decade takes it,
 * and an RSA 2048 key takes seconds to generate where the server runs C1-compiled code only (no BigInteger
 * intrinsics), which every first start would pay.
 */
final class CertificateFile {
    /** A loaded file: the key and its chain. */
    record KeyAndChain(PrivateKey key, X509Certificate[] chain) {}

    private static final Duration VALIDITY = Duration.ofDays(3650);

    private CertificateFile() {}

    static KeyAndChain load(Path file) throws IOException, GeneralSecurityException {
        PrivateKey key = null;
        List<X509Certificate> chain = new ArrayList<>();
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser pem = new PEMParser(reader)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PEMKeyPair pair && key == null) key = keys.getKeyPair(pair).getPrivate();
                else if (o instanceof PrivateKeyInfo info && key == null) key = keys.getPrivateKey(info);
                else if (o instanceof X509CertificateHolder holder) chain.add(certificates.getCertificate(holder));
            }
        }
        if (key == null) throw new GeneralSecurityException(file + " has no (unencrypted) private key");
        if (chain.isEmpty()) throw new GeneralSecurityException(file + " has no certificate");
        if (!belongs(key, chain.get(0).getPublicKey())) {
            throw new GeneralSecurityException(file + ": the private key does not match the first certificate");
        }
        return new KeyAndChain(key, chain.toArray(new X509Certificate[0]));
    }

    static void writeSelfSigned(Path file, String hostName) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostName).build();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, hostName)));
        X509CertificateHolder holder;
        try {
            holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
            pem.writeObject(holder);
        }
        writePrivate(file, text.toString());
    }

    /** The file holds a private key: it is never readable by others, not even while being written. */
    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".servercert", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 Writer writer = java.nio.channels.Channels.newWriter(channel, StandardCharsets.US_ASCII)) {
                writer.write(text);
                writer.flush();
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Signs a nonce with the key and checks it with the certificate's public key. */
    private static boolean belongs(PrivateKey key, PublicKey certified) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> throw new GeneralSecurityException("unsupported key algorithm " + key.getAlgorithm());
        };
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(nonce);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certified);
        verifier.update(nonce);
        return verifier.verify(signature);
    }
}
