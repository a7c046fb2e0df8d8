package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * TLS trust for the engine: the JVM's trust store by default, a CA file when given, or nothing at all with
 * {@code --insecure}. A CA fetched from the engine is never trusted: it is only shown with its fingerprint.
 */
final class EngineTls {
    private EngineTls() {}

    /** Applies the trust the settings ask for to a client builder. */
    static OkHttpClient.Builder apply(OkHttpClient.Builder builder, OvirtSettings settings) {
        if (settings.insecure()) {
            X509TrustManager all = trustAll();
            return builder.sslSocketFactory(context(all).getSocketFactory(), all).hostnameVerifier((h, s) -> true);
        }
        if (settings.caFile().isPresent()) {
            X509TrustManager tm = trustManager(settings.caFile().get());
            return builder.sslSocketFactory(context(tm).getSocketFactory(), tm);
        }
        return builder;
    }

    /** A trust manager trusting exactly the certificates of a PEM file. */
    static X509TrustManager trustManager(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw KvMigrateException.invalidInput("CA file " + caFile + " holds no certificate; give the engine"
                        + " CA in PEM form (ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA)");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X.509 trust manager");
        } catch (CertificateException e) {
            throw KvMigrateException.invalidInput("CA file " + caFile + " is not a PEM certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read CA file " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw KvMigrateException.invalidInput("CA file " + caFile + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** SHA-256 fingerprint of the first certificate of a PEM text, as {@code AB:CD:…}. */
    static String fingerprint(String pem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw KvMigrateException.invalidInput("the engine's CA answer holds no certificate");
            }
            return fingerprint((X509Certificate) certs.iterator().next());
        } catch (CertificateException e) {
            throw KvMigrateException.invalidInput("the engine's CA answer is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    /** Trusts everything: for {@code --insecure}, and for fetching the CA only to show it. */
    static X509TrustManager trustAll() {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    static SSLContext context(X509TrustManager tm) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Whether an exception chain is a certificate-trust failure. */
    static boolean isTrustFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertPathValidatorException
                    || (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("pkix"))) {
                return true;
            }
        }
        return false;
    }
}
