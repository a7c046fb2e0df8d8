package dev.kvmigrate.importer;

import dev.kvmigrate.common.KvMigrateException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/** TLS trust for the importer's HTTP clients: the system CAs, a PEM bundle given, or (on request only) none. */
public final class Tls {
    private Tls() {}

    /**
     * Trusts {@code caPem} (a PEM bundle) when present instead of the system CAs; trusts anything and skips the
     * host name check when {@code insecure}. {@code what} names the CA's origin in errors.
     */
    public static OkHttpClient.Builder configure(OkHttpClient.Builder b, Optional<String> caPem, boolean insecure,
            String what) {
        try {
            if (insecure) {
                X509TrustManager all = new X509TrustManager() {
                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                    @Override
                    public X509Certificate[] getAcceptedIssuers() {
                        return new X509Certificate[0];
                    }
                };
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {all}, new SecureRandom());
                b.sslSocketFactory(ctx.getSocketFactory(), all).hostnameVerifier((host, session) -> true);
            } else if (caPem.isPresent()) {
                X509TrustManager tm = trusting(caPem.get());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
                b.sslSocketFactory(ctx.getSocketFactory(), tm);
            }
            return b;
        } catch (GeneralSecurityException | IOException e) {
            throw KvMigrateException.invalidInput(what + " is not a usable PEM certificate bundle (" + e.getMessage()
                    + ")", e);
        }
    }

    private static X509TrustManager trusting(String pem) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int i = 0;
        try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
            for (Certificate c : cf.generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
        }
        if (i == 0) {
            throw new GeneralSecurityException("no certificate in the bundle");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }
}
