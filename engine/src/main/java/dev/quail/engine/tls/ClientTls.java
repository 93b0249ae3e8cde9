package dev.quail.engine.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for outbound SMTP, opportunistic as Postfix's "may" and "encrypt" levels: the peer's certificate is not
 * checked (MX host names are not authenticated by DNS without DNSSEC, and most MX certificates would fail the
 * check), so TLS protects from passive eavesdropping only. The engine is asked for the peer's host and port so
 * TLS session resumption works per peer. TLS 1.2 and 1.3 only.
 */
public final class ClientTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final SSLContext CONTEXT = context();

    private ClientTls() {}

    public static SSLEngine newEngine(String peerHost, int port) {
        SSLEngine engine = CONTEXT.createSSLEngine(peerHost, port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(PROTOCOLS);
        return engine;
    }

    private static SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no TLS", e);
        }
    }

    /** Accepts every server certificate: see the class comment for why that is the point. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // opportunistic: any certificate
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // opportunistic: any certificate
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // opportunistic: any certificate
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
