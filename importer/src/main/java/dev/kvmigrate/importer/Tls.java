package dev.kvmigrate.importer;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.tls.Trust;
import java.security.GeneralSecurityException;
import java.util.Optional;
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
                X509TrustManager all = Trust.trustAll();
                b.sslSocketFactory(Trust.context(all).getSocketFactory(), all).hostnameVerifier((host, session) -> true);
            } else if (caPem.isPresent()) {
                X509TrustManager tm = Trust.trusting(Trust.parsePem(caPem.get()));
                b.sslSocketFactory(Trust.context(tm).getSocketFactory(), tm);
            }
            return b;
        } catch (GeneralSecurityException e) {
            throw KvMigrateException.invalidInput(what + " is not a usable PEM certificate bundle (" + e.getMessage()
                    + ")", e);
        }
    }
}
