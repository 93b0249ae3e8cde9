package dev.quail.engine.tls;

import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The server's TLS identity, from control/servercert.pem ({@link CertificateFile}), for every listener that
 * speaks TLS (STARTTLS, implicit TLS). {@link #open} writes a self-signed certificate when the file is absent,
 * so TLS works from the first start. Each new connection's engine comes from the file as it is now: when its
 * modification time or size changed since it was loaded, it is loaded again, so a renewed certificate is used
 * without a restart; a file that does not load leaves the previous identity in use, with one warning per
 * version of the file. Only TLS 1.2 and 1.3 are enabled. Thread-safe.
 */
public final class ServerTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Path file;
    private SSLContext context;
    private String loaded;
    private String refused = "";

    private ServerTls(Path file, SSLContext context, String loaded) {
        this.file = file;
        this.context = context;
        this.loaded = loaded;
    }

    /** Loads {@code file}, first writing a self-signed certificate for {@code hostName} if it does not exist. */
    public static ServerTls open(Path file, String hostName) throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            CertificateFile.writeSelfSigned(file, hostName);
            MessageLog.info("tls: wrote a self-signed certificate for " + hostName + " to " + file);
        }
        String version = version(file);
        return new ServerTls(file, context(CertificateFile.load(file)), version);
    }

    /** A server-mode engine with the current identity. */
    public synchronized SSLEngine newEngine() {
        reloadIfChanged();
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(PROTOCOLS);
        return engine;
    }

    private void reloadIfChanged() {
        String now;
        try {
            now = version(file);
        } catch (IOException gone) {
            now = "missing";
        }
        if (now.equals(loaded) || now.equals(refused)) return;
        try {
            context = context(CertificateFile.load(file));
            loaded = now;
            MessageLog.info("tls: loaded " + file);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            refused = now;
            MessageLog.warning("tls: unable to load " + file + ", keeping the previous certificate: " + e.getMessage());
        }
    }

    private static String version(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.lastModifiedTime().toMillis() + " " + a.size() + " " + a.fileKey();
    }

    private static SSLContext context(CertificateFile.KeyAndChain identity) throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", identity.key(), none, identity.chain());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, none);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
