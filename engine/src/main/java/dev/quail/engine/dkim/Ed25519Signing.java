package dev.quail.engine.dkim;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;

/**
 * ed25519-sha256 (RFC 8463), which jDKIM 0.5 does not sign: jDKIM still canonicalises the header fields and the
 * body, and the JDK's Ed25519 signs. The only part of its own is RFC 8463's one difference from rsa-sha256: the
 * canonical header data is hashed with SHA-256 first and Ed25519 (PureEdDSA) signs that hash.
 */
final class Ed25519Signing extends DKIMCommon {
    private Ed25519Signing() {}

    /** The whole DKIM-Signature field, as jDKIM's signer returns it for RSA. */
    static String sign(Headers headers, BodyHasherImpl hasher, PrivateKey key) throws GeneralSecurityException,
            PermFailException {
        var record = hasher.getSignatureRecord();
        record.setBodyHash(hasher.getDigest());
        Signature signature = new HashThenSign();
        signature.initSign(key);
        signatureCheck(headers, record, record.getHeaders(), signature);
        record.setSignature(signature.sign());
        return "DKIM-Signature:" + record;
    }

    /** A java.security.Signature that SHA-256s what it is fed and signs the digest with Ed25519 at the end. */
    private static final class HashThenSign extends Signature {
        private final MessageDigest sha256;
        private PrivateKey key;

        HashThenSign() throws NoSuchAlgorithmException {
            super("ed25519-sha256");
            sha256 = MessageDigest.getInstance("SHA-256");
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) {
            key = privateKey;
            sha256.reset();
        }

        @Override
        protected void engineUpdate(byte b) {
            sha256.update(b);
        }

        @Override
        protected void engineUpdate(byte[] bytes, int offset, int length) {
            sha256.update(bytes, offset, length);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            try {
                Signature ed = Signature.getInstance("Ed25519");
                ed.initSign(key);
                ed.update(sha256.digest());
                return ed.sign();
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new SignatureException(e);
            }
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            throw new InvalidKeyException("signing only");
        }

        @Override
        protected boolean engineVerify(byte[] signature) throws SignatureException {
            throw new SignatureException("signing only");
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException(param);
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException(param);
        }
    }
}
