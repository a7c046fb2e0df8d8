package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.common.ovirt.UntrustedCaException;
import dev.kvmigrate.inventory.VmSelector;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to the engine: verified by default, a fetched CA is shown with its fingerprint and never trusted. */
class OvirtTlsIT {
    @TempDir
    static Path dir;
    static Path caPem;
    static Path otherPem;
    static SSLContext serverTls;

    private final MockWebServer server = new MockWebServer();

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static Path keyPair(String alias, Path store) throws Exception {
        run("keytool", "-genkeypair", "-alias", alias, "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        Path pem = dir.resolve(alias + ".pem");
        run("keytool", "-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storepass",
                "changeit", "-file", pem.toString());
        return pem;
    }

    @BeforeAll
    static void certificates() throws Exception {
        Path store = dir.resolve("engine.p12");
        caPem = keyPair("engine", store);
        otherPem = keyPair("other", dir.resolve("other.p12"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    OvirtSettings settings(Optional<Path> ca, boolean insecure) throws Exception {
        FakeEngine engine = RecordedEngines.inlined(OvirtSourceIT.GPU_ENGINE);
        engine.caPem = Files.readString(caPem);
        server.useHttps(serverTls.getSocketFactory());
        server.setDispatcher(engine);
        server.start();
        URI api = URI.create(server.url("/ovirt-engine/api").toString());
        assertThat(api.getScheme()).isEqualTo("https");
        return new OvirtSettings(new EngineSettings(api, "admin@internal", Secret.of(FakeEngine.PASSWORD.toCharArray()),
                ca, insecure, Duration.ofSeconds(5), Duration.ofSeconds(10)), Optional.empty(), 100);
    }

    @Test
    void anUntrustedEngineShowsItsCaFingerprintAndIsNotTrusted() throws Exception {
        OvirtSettings s = settings(Optional.empty(), false);
        String keytool = run("keytool", "-printcert", "-file", caPem.toString());
        Matcher m = Pattern.compile("SHA256: ([0-9A-F:]+)").matcher(keytool);
        assertThat(m.find()).isTrue();
        assertThatThrownBy(() -> OvirtSource.open(s)).isInstanceOfSatisfying(UntrustedCaException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
            assertThat(e.sha256Fingerprint()).isEqualTo(m.group(1));
            assertThat(e.getMessage()).contains(m.group(1)).contains("--ca-file").contains("NOT trusted")
                    .doesNotContain(FakeEngine.PASSWORD);
            assertThat(e.caPem()).contains("BEGIN CERTIFICATE");
        });
    }

    @Test
    void theEngineCaFromAFileIsTrusted() throws Exception {
        try (OvirtSource src = OvirtSource.open(settings(Optional.of(caPem), false))) {
            assertThat(src.scan(VmSelector.ALL).vms()).hasSize(5);
        }
    }

    @Test
    void insecureSkipsVerification() throws Exception {
        try (OvirtSource src = OvirtSource.open(settings(Optional.empty(), true))) {
            assertThat(src.scan(VmSelector.ALL).vms()).hasSize(5);
        }
    }

    @Test
    void aWrongCaFileFailsVerification() throws Exception {
        OvirtSettings s = settings(Optional.of(otherPem), false);
        assertThatThrownBy(() -> OvirtSource.open(s)).isInstanceOfSatisfying(KvMigrateException.class, e -> {
            assertThat(e).isNotInstanceOf(UntrustedCaException.class);
            assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
            assertThat(e.getMessage()).contains("TLS verification failed").contains("--ca-file");
        });
    }
}
