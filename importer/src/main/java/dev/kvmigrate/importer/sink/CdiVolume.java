package dev.kvmigrate.importer.sink;

import dev.kvmigrate.common.KvMigrateException;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster side of a CDI upload for one volume: create or adopt the DataVolume / PVC, check its size,
 * wait until the upload server is ready, and after the upload until CDI reports the volume populated.
 */
final class CdiVolume {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CdiVolume.class);
    /**
     * How often a wait asks the API server again: from {@link #FIRST_POLL}, doubling up to {@link #POLL}. CDI readies an
     * upload server and finishes a volume in seconds on a real cluster, where the first short polls cost a few GETs,
     * but a wait that always slept 200 ms first left each upload stream idle twice per disk (bench/fleet).
     */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration FIRST_POLL = Duration.ofMillis(20);

    /** Annotation recording the digest ({@code <algorithm>:<hex>}) of what kv-migrate uploaded into the volume. */
    static final String IMPORTED_DIGEST = "kv-migrate.dev/imported-digest";
    /** What that digest covers: {@code disk} (the logical bytes) or {@code image-file} (the stored image). */
    static final String IMPORTED_SCOPE = "kv-migrate.dev/imported-digest-scope";
    /** Content bytes of what kv-migrate uploaded into the volume. */
    static final String IMPORTED_BYTES = "kv-migrate.dev/imported-bytes";

    /** What kv-migrate recorded on a volume it populated. */
    record Imported(String digest, String scope, long bytes) {}

    /** Where the volume stands. */
    enum Readiness {
        READY,
        ALREADY_POPULATED
    }

    private final KubernetesClient client;
    private final CdiTarget target;
    private final CdiCluster cluster;

    CdiVolume(KubernetesClient client, CdiTarget target) {
        this.client = client;
        this.target = target;
        this.cluster = new CdiCluster(client);
    }

    private double filesystemOverhead() {
        return cluster.filesystemOverhead(target.storageClass());
    }

    private String what() {
        return target.label();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private Optional<GenericKubernetesResource> dataVolume() {
        return Optional.ofNullable(client.genericKubernetesResources(CdiResources.DATA_VOLUME)
                .inNamespace(target.namespace()).withName(target.name()).get());
    }

    private Optional<PersistentVolumeClaim> pvc() {
        return Optional.ofNullable(client.persistentVolumeClaims().inNamespace(target.namespace())
                .withName(target.name()).get());
    }

    /**
     * Creates or adopts the volume after checking that {@code virtualSize} fits; nothing is created when it does not.
     *
     * @return whether the volume is already populated (a DataVolume that Succeeded)
     */
    boolean prepare(Optional<Long> virtualSize) {
        try {
            return target.kind() == CdiTarget.Kind.DV ? prepareDataVolume(virtualSize) : preparePvc(virtualSize);
        } catch (KubernetesClientException e) {
            throw KvMigrateException.targetError(what() + ": the API server refused: " + e.getMessage()
                    + "; check --kubeconfig/--context, the namespace and your RBAC rights", e);
        }
    }

    private boolean prepareDataVolume(Optional<Long> virtualSize) {
        Optional<GenericKubernetesResource> existing = dataVolume();
        if (existing.isPresent()) {
            Map<String, Object> spec = map(existing.get().getAdditionalProperties().get("spec"));
            if (!map(spec.get("source")).containsKey("upload")) {
                throw KvMigrateException.targetError("DataVolume " + what() + " exists but is not an upload"
                        + " DataVolume (spec.source.upload); choose another name or delete it", null);
            }
            // With spec.storage CDI itself inflates the PVC by the filesystem overhead; spec.pvc is taken literally.
            boolean storageApi = spec.containsKey("storage");
            Map<String, Object> holder = map(storageApi ? spec.get("storage") : spec.get("pvc"));
            Object requested = map(map(holder.get("resources")).get("requests")).get("storage");
            if (requested != null && virtualSize.isPresent()) {
                long capacity = bytes(new Quantity(requested.toString()));
                boolean block = "Block".equalsIgnoreCase(String.valueOf(holder.get("volumeMode")));
                checkFits(virtualSize.get(), capacity, !storageApi && !block, "DataVolume " + what() + " requests");
            }
            if ("Succeeded".equals(phase(existing.get()))) {
                return true;
            }
            if (target.forceBind()) {
                requestImmediateBind();
            }
            return false;
        }
        if (!target.create()) {
            throw KvMigrateException.targetError("DataVolume " + what() + " does not exist and --no-create was given;"
                    + " create it (spec.source.upload) or drop --no-create", null);
        }
        long size = target.size().orElseGet(() -> dev.kvmigrate.importer.sink.Quantity.roundUpMi(
                virtualSize.orElseThrow(() -> KvMigrateException.invalidInput("disk for " + what()
                        + ": the image's virtual size is unknown (compressed stream); give --size", null))));
        virtualSize.ifPresent(v -> checkFits(v, size, false, "--size"));
        client.genericKubernetesResources(CdiResources.DATA_VOLUME).inNamespace(target.namespace())
                .resource(newDataVolume(size)).create();
        return false;
    }

    private GenericKubernetesResource newDataVolume(long size) {
        Map<String, Object> storage = new LinkedHashMap<>();
        storage.put("resources", Map.of("requests", Map.of("storage", dev.kvmigrate.importer.sink.Quantity.of(size))));
        target.storageClass().ifPresent(sc -> storage.put("storageClassName", sc));
        target.accessMode().ifPresent(m -> storage.put("accessModes", List.of(m)));
        target.volumeMode().ifPresent(m -> storage.put("volumeMode", m.equalsIgnoreCase("block") ? "Block"
                : "Filesystem"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("contentType", "kubevirt");
        spec.put("source", Map.of("upload", Map.of()));
        spec.put("storage", storage);
        GenericKubernetesResource dv = new GenericKubernetesResource();
        dv.setApiVersion("cdi.kubevirt.io/v1beta1");
        dv.setKind("DataVolume");
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(target.name()).withNamespace(target.namespace())
                .addToLabels("app.kubernetes.io/managed-by", "kv-migrate");
        if (target.forceBind()) {
            meta.addToAnnotations(CdiResources.BIND_IMMEDIATE, "true");
        }
        dv.setMetadata(meta.build());
        dv.setAdditionalProperty("spec", spec);
        return dv;
    }

    private void requestImmediateBind() {
        client.genericKubernetesResources(CdiResources.DATA_VOLUME).inNamespace(target.namespace())
                .withName(target.name()).edit(dv -> {
                    Map<String, String> a = new HashMap<>(Optional.ofNullable(dv.getMetadata().getAnnotations())
                            .orElse(Map.of()));
                    a.put(CdiResources.BIND_IMMEDIATE, "true");
                    dv.getMetadata().setAnnotations(a);
                    return dv;
                });
    }

    private boolean preparePvc(Optional<Long> virtualSize) {
        Optional<PersistentVolumeClaim> existing = pvc();
        boolean block = existing.map(p -> "Block".equals(p.getSpec().getVolumeMode())).orElse(target.blockMode());
        if (existing.isPresent()) {
            PersistentVolumeClaim p = existing.get();
            Quantity q = Optional.ofNullable(p.getStatus()).map(s -> s.getCapacity()).map(c -> c.get("storage"))
                    .orElse(p.getSpec().getResources().getRequests().get("storage"));
            if (q != null && virtualSize.isPresent()) {
                checkFits(virtualSize.get(), bytes(q), !block, "PVC " + what() + " holds");
            }
            Map<String, String> a = Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of());
            if ("Succeeded".equals(a.get(CdiResources.POD_PHASE))) {
                return true;
            }
            if (!a.containsKey(CdiResources.UPLOAD_TARGET) || target.forceBind()) {
                client.persistentVolumeClaims().inNamespace(target.namespace()).withName(target.name())
                        .edit(c -> {
                            PersistentVolumeClaimBuilder b = new PersistentVolumeClaimBuilder(c).editMetadata()
                                    .addToAnnotations(CdiResources.UPLOAD_TARGET, "").endMetadata();
                            if (target.forceBind()) {
                                b.editMetadata().addToAnnotations(CdiResources.BIND_IMMEDIATE, "true").endMetadata();
                            }
                            return b.build();
                        });
            }
            return false;
        }
        if (!target.create()) {
            throw KvMigrateException.targetError("PVC " + what() + " does not exist and --no-create was given;"
                    + " create it or drop --no-create", null);
        }
        double overhead = block ? 0 : filesystemOverhead();
        long size = target.size().orElseGet(() -> dev.kvmigrate.importer.sink.Quantity.roundUpMi(
                (long) Math.ceil(virtualSize.orElseThrow(() -> KvMigrateException.invalidInput("disk for " + what()
                        + ": the image's virtual size is unknown (compressed stream); give --size", null))
                        / (1 - overhead))));
        virtualSize.ifPresent(v -> checkFits(v, size, !block, "--size"));
        PersistentVolumeClaimBuilder b = new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName(target.name()).withNamespace(target.namespace())
                .addToAnnotations(CdiResources.UPLOAD_TARGET, "")
                .addToLabels("app.kubernetes.io/managed-by", "kv-migrate").endMetadata()
                .withNewSpec().addToAccessModes(target.accessMode().orElse("ReadWriteOnce"))
                .withVolumeMode(block ? "Block" : "Filesystem")
                .withNewResources().addToRequests("storage", new Quantity(dev.kvmigrate.importer.sink.Quantity.of(size)))
                .endResources().endSpec();
        target.storageClass().ifPresent(sc -> b.editSpec().withStorageClassName(sc).endSpec());
        if (target.forceBind()) {
            b.editMetadata().addToAnnotations(CdiResources.BIND_IMMEDIATE, "true").endMetadata();
        }
        client.persistentVolumeClaims().inNamespace(target.namespace()).resource(b.build()).create();
        return false;
    }

    /**
     * Refuses, before any byte moves, an image whose virtual size (plus filesystem overhead when CDI does not add
     * it itself) exceeds the volume.
     */
    private void checkFits(long virtualSize, long capacity, boolean addOverhead, String holder) {
        double overhead = addOverhead ? filesystemOverhead() : 0;
        long needed = (long) Math.ceil(virtualSize / (1 - overhead));
        if (needed > capacity) {
            String need = dev.kvmigrate.importer.sink.Quantity.of(dev.kvmigrate.importer.sink.Quantity.roundUpMi(needed));
            throw KvMigrateException.targetError(holder + " " + capacity + " bytes but the image needs " + needed
                    + " (virtual size " + virtualSize + (addOverhead ? String.format(
                            " + %.1f%% filesystem overhead", overhead * 100) : "") + "); use a volume of at least "
                    + need + " (--size " + need + ")", null);
        }
    }

    /**
     * Bytes of a quantity the cluster holds. It may be in any form Kubernetes accepts ({@code 10Gi}, {@code 1e10},
     * {@code 10737418240}), so fabric8's parser reads it; what people type goes through
     * {@link dev.kvmigrate.common.Quantities}. Rounded up to a whole byte.
     */
    private static long bytes(Quantity q) {
        return Quantity.getAmountInBytes(q).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static String phase(GenericKubernetesResource dv) {
        return String.valueOf(map(dv.getAdditionalProperties().get("status")).getOrDefault("phase", ""));
    }

    /** Waits until the upload server serves; fails fast on unbound volumes and provisioning failures. */
    Readiness awaitReady(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        long poll = FIRST_POLL.toMillis();
        String last = "";
        while (System.nanoTime() < deadline) {
            failOnWarningEvents("ProvisioningFailed");
            if (target.kind() == CdiTarget.Kind.DV) {
                GenericKubernetesResource dv = dataVolume().orElseThrow(() -> KvMigrateException.targetError(
                        "DataVolume " + what() + " disappeared while waiting for it", null));
                last = phase(dv);
                switch (last) {
                    case "UploadReady":
                        return Readiness.READY;
                    case "Succeeded":
                        return Readiness.ALREADY_POPULATED;
                    case "Failed":
                        throw KvMigrateException.targetError("DataVolume " + what() + " failed: " + conditions(dv)
                                + "; see kubectl describe dv -n " + target.namespace() + " " + target.name(), null);
                    case "WaitForFirstConsumer":
                    case "PendingPopulation":
                        if (!target.forceBind()) {
                            throw KvMigrateException.targetError("DataVolume " + what() + " is " + last + ": its storage"
                                    + " class binds only when a pod uses it, so no upload server will start; rerun with"
                                    + " --force-bind or use an Immediate-binding storage class", null);
                        }
                        break;
                    default:
                        break;
                }
            } else {
                PersistentVolumeClaim p = pvc().orElseThrow(() -> KvMigrateException.targetError("PVC " + what()
                        + " disappeared while waiting for it", null));
                Map<String, String> a = Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of());
                if ("Succeeded".equals(a.get(CdiResources.POD_PHASE))) {
                    return Readiness.ALREADY_POPULATED;
                }
                if ("true".equals(a.get(CdiResources.POD_READY))) {
                    return Readiness.READY;
                }
                last = "upload pod not ready";
            }
            poll = sleep(poll);
        }
        throw KvMigrateException.targetError(what() + " not ready for upload after " + limit.toSeconds() + " s (last"
                + " state: " + (last.isEmpty() ? "none" : last) + "); check CDI's pods and events, or raise --wait", null);
    }

    /** Waits until CDI reports the volume populated; surfaces failures instead of waiting forever. */
    void awaitPopulated(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        long poll = FIRST_POLL.toMillis();
        while (System.nanoTime() < deadline) {
            failOnWarningEvents("UploadFailed", "ErrImportFailed");
            if (target.kind() == CdiTarget.Kind.DV) {
                GenericKubernetesResource dv = dataVolume().orElseThrow(() -> KvMigrateException.targetError(
                        "DataVolume " + what() + " disappeared after the upload", null));
                String phase = phase(dv);
                Object restarts = map(dv.getAdditionalProperties().get("status")).get("restartCount");
                if ("Succeeded".equals(phase)) {
                    return;
                }
                if ("Failed".equals(phase) || (restarts instanceof Number n && n.intValue() >= 3)) {
                    throw KvMigrateException.targetError("DataVolume " + what() + " failed after the upload ("
                            + phase + ", restarts " + restarts + "): " + conditions(dv), null);
                }
            } else {
                Map<String, String> a = pvc().map(p -> p.getMetadata().getAnnotations()).orElse(Map.of());
                String phase = a == null ? null : a.get(CdiResources.POD_PHASE);
                if ("Succeeded".equals(phase)) {
                    return;
                }
                if ("Failed".equals(phase)) {
                    throw KvMigrateException.targetError("PVC " + what() + ": the upload pod failed after the upload;"
                            + " see kubectl describe pvc -n " + target.namespace() + " " + target.name(), null);
                }
            }
            poll = sleep(poll);
        }
        throw KvMigrateException.targetError(what() + " did not finish processing within " + limit.toSeconds()
                + " s after the upload; check the upload pod's log, or raise --wait", null);
    }

    private void failOnWarningEvents(String... reasons) {
        List<Event> events;
        try {
            events = client.v1().events().inNamespace(target.namespace()).list().getItems();
        } catch (KubernetesClientException e) {
            return; // events are a courtesy; RBAC may hide them
        }
        for (Event e : events) {
            if (e.getInvolvedObject() != null && target.name().equals(e.getInvolvedObject().getName())
                    && "Warning".equals(e.getType()) && List.of(reasons).contains(e.getReason())) {
                throw KvMigrateException.targetError(what() + ": " + e.getReason() + ": " + e.getMessage()
                        + "; fix the storage class or pick another with --storage-class", null);
            }
        }
    }

    /**
     * Where population stands now: the DataVolume's phase, or the PVC's upload pod phase ({@code Succeeded} when
     * populated); {@code missing} when the object is gone.
     */
    String populationPhase() {
        if (target.kind() == CdiTarget.Kind.DV) {
            return dataVolume().map(CdiVolume::phase).map(p -> p.isEmpty() ? "without a phase" : p)
                    .orElse("missing");
        }
        return pvc().map(p -> Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of())
                .getOrDefault(CdiResources.POD_PHASE, "without an upload pod phase")).orElse("missing");
    }

    /** The record kv-migrate left on the volume when it populated it, if any (and readable). */
    Optional<Imported> imported() {
        Map<String, String> a = (target.kind() == CdiTarget.Kind.DV
                ? dataVolume().map(GenericKubernetesResource::getMetadata)
                : pvc().map(PersistentVolumeClaim::getMetadata))
                .map(m -> m.getAnnotations()).orElse(null);
        if (a == null || !a.containsKey(IMPORTED_DIGEST) || !a.containsKey(IMPORTED_SCOPE)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Imported(a.get(IMPORTED_DIGEST), a.get(IMPORTED_SCOPE),
                    Long.parseLong(a.getOrDefault(IMPORTED_BYTES, "-1"))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Records on the volume (DataVolume, or the PVC) what this upload put there, so that a later import can prove
     * the volume already holds an image before reporting it present.
     */
    void record(Imported what) {
        Map<String, String> add = Map.of(IMPORTED_DIGEST, what.digest(), IMPORTED_SCOPE, what.scope(),
                IMPORTED_BYTES, Long.toString(what.bytes()));
        try {
            if (target.kind() == CdiTarget.Kind.DV) {
                client.genericKubernetesResources(CdiResources.DATA_VOLUME).inNamespace(target.namespace())
                        .withName(target.name()).edit(dv -> {
                            Map<String, String> a = new HashMap<>(Optional.ofNullable(dv.getMetadata()
                                    .getAnnotations()).orElse(Map.of()));
                            a.putAll(add);
                            dv.getMetadata().setAnnotations(a);
                            return dv;
                        });
            } else {
                client.persistentVolumeClaims().inNamespace(target.namespace()).withName(target.name())
                        .edit(c -> new PersistentVolumeClaimBuilder(c).editMetadata().addToAnnotations(add)
                                .endMetadata().build());
            }
        } catch (KubernetesClientException e) {
            LOG.warn("{} is populated, but recording what it holds failed ({}); a rerun cannot prove it holds this"
                    + " image and will refuse it: grant patch rights on it", what(), e.getMessage());
        }
    }

    private static String conditions(GenericKubernetesResource dv) {
        Object c = map(dv.getAdditionalProperties().get("status")).get("conditions");
        return c == null ? "no conditions reported" : c.toString();
    }

    /** Sleeps {@code millis}; the next poll's interval. */
    private static long sleep(long millis) {
        try {
            Thread.sleep(millis);
            return Math.min(POLL.toMillis(), millis * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(dev.kvmigrate.common.ExitCode.INTERRUPTED, "interrupted while waiting", e);
        }
    }

    /** A fresh upload token for the volume's PVC (tokens live 5 minutes: one per attempt). */
    String token() {
        GenericKubernetesResource req = new GenericKubernetesResource();
        req.setApiVersion("upload.cdi.kubevirt.io/v1beta1");
        req.setKind("UploadTokenRequest");
        req.setMetadata(new ObjectMetaBuilder().withName("token-for-kv-migrate").withNamespace(target.namespace())
                .build());
        req.setAdditionalProperty("spec", Map.of("pvcName", target.name()));
        req.setAdditionalProperty("status", Map.of()); // the published schema marks status required
        try {
            GenericKubernetesResource answer = client.genericKubernetesResources(CdiResources.UPLOAD_TOKEN_REQUEST)
                    .inNamespace(target.namespace()).resource(req).create();
            Object token = map(answer.getAdditionalProperties().get("status")).get("token");
            if (token == null || token.toString().isEmpty()) {
                throw KvMigrateException.targetError("UploadTokenRequest for " + what() + " came back without"
                        + " status.token; is CDI's API server running?", null);
            }
            return token.toString();
        } catch (KubernetesClientException e) {
            throw KvMigrateException.targetError("cannot get an upload token for " + what() + ": " + e.getMessage()
                    + "; you need create rights on uploadtokenrequests.upload.cdi.kubevirt.io", e);
        }
    }
}
