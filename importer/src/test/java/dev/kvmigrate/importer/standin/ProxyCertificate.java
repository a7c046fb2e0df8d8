package dev.kvmigrate.importer.standin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A self-signed certificate for 127.0.0.1, made with the JDK's keytool, and the server TLS context using it. */
final class ProxyCertificate {
    private static final char[] PASS = "standin".toCharArray();

    private final SSLContext context;
    private final String pem;

    private ProxyCertificate(SSLContext context, String pem) {
        this.context = context;
        this.pem = pem;
    }

    static ProxyCertificate create(Path dir) throws IOException {
        Path store = dir.resolve("uploadproxy-" + System.nanoTime() + ".p12");
        Path cert = dir.resolve("uploadproxy-" + System.nanoTime() + ".pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        TestImages.run(keytool, "-genkeypair", "-alias", "proxy", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=cdi-uploadproxy", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASS));
        TestImages.run(keytool, "-exportcert", "-rfc", "-alias", "proxy", "-keystore", store.toString(),
                "-storepass", new String(PASS), "-file", cert.toString());
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASS);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new ProxyCertificate(ctx, Files.readString(cert));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the stand-in's certificate: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(cert);
        }
    }

    SSLContext context() {
        return context;
    }

    String pem() {
        return pem;
    }
}
