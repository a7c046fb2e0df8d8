package dev.kvmigrate.importer.standin;

import dev.kvmigrate.importer.sink.CdiResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes cluster with CDI, for tests: fabric8's mock API server in CRUD mode, a CDI controller emulation
 * and a loopback upload proxy that writes volumes as files under a directory. Every object written to the API
 * is validated against the real CDI swagger ({@code schemaViolations()} lists what failed). It serves CDIConfig
 * {@code config} (upload proxy, filesystem overhead: {@link #filesystemOverhead}) and StorageProfiles
 * ({@link #storageProfile}).
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
    private String overheadGlobal = "0.055";
    private Map<String, String> overheadPerClass = Map.of();

    /** CDI's StorageProfile: cluster-scoped, one per storage class. */
    public static final ResourceDefinitionContext STORAGE_PROFILE = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("StorageProfile")
            .withPlural("storageprofiles").withNamespaced(false).build();

    private ClusterStandIn(Path root, SchemaCheck schema, boolean tls) throws IOException {
        QUIET.setLevel(java.util.logging.Level.WARNING); // the mock server logs every request through JUL
        Files.createDirectories(root);
        this.tokens = new Tokens(Clock.systemUTC(), Duration.ofMinutes(5));
        this.dispatcher = new StandInDispatcher(schema, tokens);
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        this.client = server.createClient();
        this.controller = new CdiController(server.createClient(), dispatcher::changes, root);
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
        GenericKubernetesResource config = new GenericKubernetesResource();
        config.setApiVersion("cdi.kubevirt.io/v1beta1");
        config.setKind("CDIConfig");
        config.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("config").build());
        config.setAdditionalProperty("spec", Map.of());
        config.setAdditionalProperty("status", configStatus());
        client.genericKubernetesResources(CdiResources.CDI_CONFIG).resource(config).create();
    }

    private Map<String, Object> configStatus() {
        Map<String, Object> status = new HashMap<>();
        status.put("uploadProxyURL", proxy.url());
        caPem.ifPresent(pem -> status.put("uploadProxyCA", pem));
        Map<String, Object> overhead = new LinkedHashMap<>();
        overhead.put("global", overheadGlobal);
        if (!overheadPerClass.isEmpty()) {
            overhead.put("storageClass", new TreeMap<>(overheadPerClass));
        }
        status.put("filesystemOverhead", overhead);
        return status;
    }

    /**
     * Sets CDIConfig {@code config}'s {@code status.filesystemOverhead}: {@code global} (CDI's default "0.055") and
     * per storage class ({@code storageClass}), as CDI publishes them (strings, fractions of 1).
     */
    public ClusterStandIn filesystemOverhead(String global, Map<String, String> perClass) {
        this.overheadGlobal = global;
        this.overheadPerClass = Map.copyOf(perClass);
        var configs = client.genericKubernetesResources(CdiResources.CDI_CONFIG);
        GenericKubernetesResource config = configs.withName("config").get();
        config.setAdditionalProperty("status", configStatus());
        configs.resource(config).update();
        return this;
    }

    /** One claim property set of a StorageProfile: a volume mode and its access modes. */
    public static Map<String, Object> claimSet(String volumeMode, String... accessModes) {
        return Map.of("volumeMode", volumeMode, "accessModes", List.of(accessModes));
    }

    /**
     * Publishes (or replaces) CDI's StorageProfile for {@code storageClass}, and the StorageClass itself: cluster-scoped,
     * named after the class, {@code status.claimPropertySets} as given (see {@link #claimSet}), {@code
     * status.provisioner} and {@code status.storageClass}. CDI's swagger has no StorageProfile definition, so the
     * object is checked part by part: metadata as ObjectMeta, each claim property set as a PersistentVolumeClaimSpec.
     */
    @SafeVarargs
    public final ClusterStandIn storageProfile(String storageClass, String provisioner,
            Map<String, Object>... claimPropertySets) {
        if (client.storage().v1().storageClasses().withName(storageClass).get() == null) {
            client.storage().v1().storageClasses().resource(new io.fabric8.kubernetes.api.model.storage
                    .StorageClassBuilder().withNewMetadata().withName(storageClass).endMetadata()
                    .withProvisioner(provisioner).build()).create();
        }
        GenericKubernetesResource profile = new GenericKubernetesResource();
        profile.setApiVersion("cdi.kubevirt.io/v1beta1");
        profile.setKind("StorageProfile");
        profile.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(storageClass).build());
        profile.setAdditionalProperty("spec", Map.of());
        profile.setAdditionalProperty("status", Map.of("storageClass", storageClass, "provisioner", provisioner,
                "claimPropertySets", List.of(claimPropertySets)));
        var profiles = client.genericKubernetesResources(STORAGE_PROFILE);
        GenericKubernetesResource existing = profiles.withName(storageClass).get();
        if (existing == null) {
            profiles.resource(profile).create();
        } else {
            profile.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            profiles.resource(profile).update();
        }
        return this;
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

    /**
     * Discard mode, for benches whose volumes would not fit the disk: each upload body is unwrapped, converted
     * like CDI does (qcow2 &amp; co through qemu-img on a scratch file, deleted at once), its guest-visible bytes
     * digested ({@link Volume#receivedDigest()}, XXH3 as {@link Volume#digest} computes it) and dropped; no volume
     * file is written. Size checks and the upload's status codes are as in normal mode.
     */
    public ClusterStandIn discardVolumes(boolean on) {
        proxy.discard = on;
        return this;
    }

    /**
     * Starts counting every upload body byte the proxy receives from now on into {@code window}-long windows of
     * time (replacing any meter started before); bench/fleet checks a bandwidth cap with it.
     */
    public ReceiveMeter meter(Duration window) {
        ReceiveMeter m = ReceiveMeter.of(window);
        proxy.meter = m;
        return m;
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
