package dev.kvmigrate.common.ovirt;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.tls.Trust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * TLS trust for the engine: the JVM's trust store by default, a CA file when given, or nothing at all with
 * {@code --insecure}. A CA fetched from the engine is never trusted: it is only shown with its fingerprint.
 */
final class EngineTls {
    private EngineTls() {}

    /** Applies the trust the settings ask for to a client builder. */
    static OkHttpClient.Builder apply(OkHttpClient.Builder builder, EngineSettings settings) {
        if (settings.insecure()) {
            X509TrustManager all = Trust.trustAll();
            return builder.sslSocketFactory(Trust.context(all).getSocketFactory(), all)
                    .hostnameVerifier((h, s) -> true);
        }
        if (settings.caFile().isPresent()) {
            X509TrustManager tm = trustManager(settings.caFile().get());
            return builder.sslSocketFactory(Trust.context(tm).getSocketFactory(), tm);
        }
        return builder;
    }

    /** A client that trusts anything: only for fetching the engine's CA in order to show it. */
    static OkHttpClient.Builder peeking(OkHttpClient.Builder builder) {
        X509TrustManager all = Trust.trustAll();
        return builder.sslSocketFactory(Trust.context(all).getSocketFactory(), all).hostnameVerifier((h, s) -> true);
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

    /** Whether an exception chain is a certificate-trust failure. */
    static boolean isTrustFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof CertPathValidatorException
                    || (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("pkix"))) {
                return true;
            }
        }
        return false;
    }
}
