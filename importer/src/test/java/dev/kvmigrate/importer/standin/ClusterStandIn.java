package dev.kvmigrate.importer.standin;

import dev.kvmigrate.importer.sink.CdiResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes cluster with CDI, for tests: fabric8's mock API server in CRUD mode, a CDI controller emulation
 * and a loopback upload proxy that writes volumes as files under a directory. Every object written to the API
 * is validated against the real CDI swagger ({@code schemaViolations()} lists what failed).
 *
 * <pre>{@code
 * try (ClusterStandIn cluster = ClusterStandIn.start(tmpDir, swaggerPath)) {
 *     KubernetesClient client = cluster.client();          // namespace "default"
 *     ... import with client ...
 *     Path volume = cluster.volume("default", "disk0").orElseThrow().file();
 * }
 * }</pre>
 */
public final class ClusterStandIn implements AutoCloseable {
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final StandInDispatcher dispatcher;
    private final CdiController controller;
    private final UploadProxy proxy;
    private final Tokens tokens;
    private final Faults faults = new Faults();
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final Optional<String> caPem;

    private ClusterStandIn(Path root, SchemaCheck schema, boolean tls) throws IOException {
        QUIET.setLevel(java.util.logging.Level.WARNING); // the mock server logs every request through JUL
        Files.createDirectories(root);
        this.tokens = new Tokens(Clock.systemUTC(), Duration.ofMinutes(5));
        this.dispatcher = new StandInDispatcher(schema, tokens);
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        this.client = server.createClient();
        this.controller = new CdiController(server.createClient(), root);
        ProxyCertificate cert = tls ? ProxyCertificate.create(root) : null;
        this.caPem = tls ? Optional.of(cert.pem()) : Optional.empty();
        this.proxy = new UploadProxy(tokens, controller::volume, faults,
                tls ? Optional.of(cert.context()) : Optional.empty());
        publishConfig();
    }

    /**
     * Starts a stand-in keeping volumes under {@code root}, validating against the CDI swagger at
     * {@code cdiSwagger} (normally {@code SharedDir.require("schemas/cdi-swagger.json")}).
     */
    public static ClusterStandIn start(Path root, Path cdiSwagger) throws IOException {
        return new ClusterStandIn(root, new SchemaCheck(cdiSwagger), false);
    }

    /**
     * As {@link #start}, with the upload proxy on HTTPS: a self-signed certificate for 127.0.0.1 (made with the
     * JDK's keytool) published, like CDI does, in CDIConfig status.uploadProxyCA.
     */
    public static ClusterStandIn startTls(Path root, Path cdiSwagger) throws IOException {
        return new ClusterStandIn(root, new SchemaCheck(cdiSwagger), true);
    }

    /** The proxy's certificate (PEM) when it serves HTTPS. */
    public Optional<String> uploadProxyCa() {
        return caPem;
    }

    private void publishConfig() {
        Map<String, Object> status = new HashMap<>();
        status.put("uploadProxyURL", proxy.url());
        caPem.ifPresent(pem -> status.put("uploadProxyCA", pem));
        status.put("filesystemOverhead", Map.of("global", "0.055"));
        GenericKubernetesResource config = new GenericKubernetesResource();
        config.setApiVersion("cdi.kubevirt.io/v1beta1");
        config.setKind("CDIConfig");
        config.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("config").build());
        config.setAdditionalProperty("spec", Map.of());
        config.setAdditionalProperty("status", status);
        client.genericKubernetesResources(CdiResources.CDI_CONFIG).resource(config).create();
    }

    /** A client for the mock API server (namespace {@code default}). */
    public KubernetesClient client() {
        return client;
    }

    /** The upload proxy's base URL (also published in CDIConfig {@code config} status.uploadProxyURL). */
    public String uploadProxyUrl() {
        return proxy.url();
    }

    /** Faults the upload proxy injects into the next uploads. */
    public Faults faults() {
        return faults;
    }

    /** The volume behind a DataVolume or upload-target PVC, once the controller has seen it. */
    public Optional<Volume> volume(String namespace, String name) {
        return controller.volume(namespace + "/" + name);
    }

    /** Schema violations of objects written so far (must stay empty for a correct client). */
    public List<String> schemaViolations() {
        return dispatcher.violations();
    }

    /** Write requests ("METHOD path") the API server received, in order. */
    public List<String> apiWrites() {
        return dispatcher.writes();
    }

    /** Body bytes the upload proxy received over all uploads. */
    public long uploadBodyBytes() {
        return proxy.bodyBytes();
    }

    /** Upload tokens minted so far. */
    public int tokensMinted() {
        return tokens.minted();
    }

    /** Lifetime of tokens minted from now on (CDI: 5 minutes). */
    public ClusterStandIn tokenTtl(Duration ttl) {
        tokens.ttl(ttl);
        return this;
    }

    /** Publishes a CDI object whose status.observedVersion is {@code version} (e.g. v1.56.0); none by default. */
    public ClusterStandIn cdiVersion(String version) {
        GenericKubernetesResource cdi = new GenericKubernetesResource();
        cdi.setApiVersion("cdi.kubevirt.io/v1beta1");
        cdi.setKind("CDI");
        cdi.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("cdi").build());
        cdi.setAdditionalProperty("spec", Map.of());
        cdi.setAdditionalProperty("status", Map.of("observedVersion", version, "phase", "Deployed"));
        var existing = client.genericKubernetesResources(CdiResources.CDI).withName("cdi").get();
        if (existing == null) {
            client.genericKubernetesResources(CdiResources.CDI).resource(cdi).create();
        } else {
            cdi.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            client.genericKubernetesResources(CdiResources.CDI).resource(cdi).update();
        }
        return this;
    }

    /** Emulates a WaitForFirstConsumer storage class: DataVolumes wait unless force-bind is requested. */
    public ClusterStandIn waitForFirstConsumer(boolean on) {
        controller.waitForFirstConsumer = on;
        return this;
    }

    /** Emulates a storage class that cannot provision: a ProvisioningFailed event, the DataVolume stays Pending. */
    public ClusterStandIn provisioningFails(boolean on) {
        controller.provisioningFails = on;
        return this;
    }

    @Override
    public void close() throws Exception {
        controller.close();
        proxy.close();
        client.close();
        server.destroy();
    }
}
