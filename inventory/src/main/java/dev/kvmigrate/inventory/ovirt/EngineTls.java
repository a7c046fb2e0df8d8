package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.tls.Trust;
import java.nio.charset.StandardCharsets;
import java.util.List;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLContext;
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
        try {
            List<X509Certificate> certs = Trust.parsePem(Files.readString(caFile, StandardCharsets.US_ASCII));
            if (certs.isEmpty()) {
                throw KvMigrateException.invalidInput("CA file " + caFile + " holds no certificate; give the engine"
                        + " CA in PEM form (ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA)");
            }
            return Trust.trusting(certs);
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
            List<X509Certificate> certs = Trust.parsePem(pem);
            if (certs.isEmpty()) {
                throw KvMigrateException.invalidInput("the engine's CA answer holds no certificate");
            }
            return Trust.fingerprint(certs.get(0));
        } catch (CertificateException e) {
            throw KvMigrateException.invalidInput("the engine's CA answer is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    static String fingerprint(X509Certificate cert) {
        return Trust.fingerprint(cert);
    }

    /** Trusts everything: for {@code --insecure}, and for fetching the CA only to show it. */
    static X509TrustManager trustAll() {
        return Trust.trustAll();
    }

    static SSLContext context(X509TrustManager tm) {
        return Trust.context(tm);
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
