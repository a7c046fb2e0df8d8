package dev.kvmigrate.importer.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.Finding;
import dev.kvmigrate.converter.validate.LocatedObject;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.converter.validate.Validator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClass;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * GPU clusters for tests: seeds a fabric8 {@link KubernetesClient} of the CRUD mock
 * ({@code @EnableKubernetesMockClient(crud = true)} or a {@code KubernetesMockServer} in CRUD mode) with what a
 * cluster serving GPUs to KubeVirt VMs has: the KubeVirt CR, DRA DeviceClasses and ResourceSlices, GPU nodes. The
 * GPUs are those the VMs of {@code examples/gpu-host} and {@code ../shared/fixtures/libvirt/gpu-host.xml} use
 * (passthrough {@code 10de:25b6} GA107GL [A2 / A16] and {@code 10de:2330} GH100 [H100 SXM5 80GB]; vGPU types
 * {@code GRID T4-1Q}, {@code GRID T4-2Q}, {@code NVIDIA A10-12Q}).
 *
 * <p>Every object is validated before it is created against the schemas kv-migrate bundles (the KubeVirt CR
 * against the release it claims in {@code status.observedKubeVirtVersion}); a violation is an
 * {@link IllegalStateException}.
 */
public final class GpuClusters {
    /** The GPU nodes both stand-ins have. */
    public static final List<String> NODES = List.of("gpu-node-1", "gpu-node-2");
    /** The DRA driver and the domain of its attributes. */
    public static final String NVIDIA_DRIVER = "gpu.nvidia.com";
    /** KubeVirt's CR. */
    public static final ResourceDefinitionContext KUBEVIRT = new ResourceDefinitionContext.Builder()
            .withGroup("kubevirt.io").withVersion("v1").withKind("KubeVirt").withPlural("kubevirts")
            .withNamespaced(true).build();

    /** A passthrough GPU model: PCI {@code vendor:device} (lower case), NVML product name, memory. */
    public record Model(String vendorDevice, String pciIdsName, String productName, String memory) {
        /** NVIDIA DRA driver's {@code deviceID} attribute: {@code 0x%04x}. */
        public String deviceId() {
            return "0x" + vendorDevice.substring(vendorDevice.indexOf(':') + 1);
        }

        /** NVIDIA DRA driver's {@code vendorID} attribute. */
        public String vendorId() {
            return "0x" + vendorDevice.substring(0, vendorDevice.indexOf(':'));
        }
    }

    /** The passthrough GPUs of the examples, by {@code vendor:device}. */
    public static final Map<String, Model> MODELS = Map.of(
            "10de:25b6", new Model("10de:25b6", "GA107GL [A2 / A16]", "NVIDIA A2", "16Gi"),
            "10de:2330", new Model("10de:2330", "GH100 [H100 SXM5 80GB]", "NVIDIA H100 80GB HBM3", "80Gi"));
    /**
     * {@link #dra(KubernetesClient)}'s VFIO devices per node: one of each model (two in the cluster: one per VM that
     * has it, plus a spare).
     */
    public static final Map<String, Integer> DRA_COUNTS = orderedMap("10de:25b6", 1, "10de:2330", 1);
    /** The full-GPU (type {@code gpu}, not VFIO) device {@link #dra} puts on gpu-node-1: an H100 in container use. */
    public static final String FULL_GPU_MODEL = "10de:2330";

    /** The three DeviceClasses NVIDIA's DRA driver installs, name → CEL selector. */
    public static final Map<String, String> DEVICE_CLASSES = orderedMap(
            "gpu.nvidia.com", "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'gpu'",
            "mig.nvidia.com", "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'mig'",
            "vfio.gpu.nvidia.com",
            "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'vfio'");

    /**
     * {@link #legacy(KubernetesClient)}'s {@code pciHostDevices}: selector → resource name as NVIDIA's
     * kubevirt-gpu-device-plugin advertised it before 2022 (pci.ids name, case kept, {@code /} and whitespace runs
     * → {@code _}, other characters outside {@code [A-Za-z0-9_.]} dropped).
     */
    public static final Map<String, String> LEGACY_PCI = orderedMap(
            "10DE:13BA", "nvidia.com/GM107GL_Quadro_K2200",
            "10DE:1EB8", "nvidia.com/TU104GL_Tesla_T4",
            "10DE:25B6", "nvidia.com/GA107GL_A2___A16",
            "10DE:2330", "nvidia.com/GH100_H100_SXM5_80GB");
    /** {@link #legacy(KubernetesClient)}'s {@code mediatedDevices}: mdev type name → resource name. */
    public static final Map<String, String> LEGACY_MDEV = orderedMap(
            "GRID T4-1Q", "nvidia.com/GRID_T4-1Q",
            "GRID T4-2Q", "nvidia.com/GRID_T4-2Q",
            "NVIDIA A10-12Q", "nvidia.com/NVIDIA_A10-12Q");
    /**
     * {@link #legacy(KubernetesClient)}'s allocatable per node: one of each, two A10-12Q (render-02 wants two on
     * one node).
     */
    public static final Map<String, Integer> LEGACY_COUNTS = orderedMap(
            "nvidia.com/GM107GL_Quadro_K2200", 1, "nvidia.com/TU104GL_Tesla_T4", 1,
            "nvidia.com/GA107GL_A2___A16", 1, "nvidia.com/GH100_H100_SXM5_80GB", 1,
            "nvidia.com/GRID_T4-1Q", 1, "nvidia.com/GRID_T4-2Q", 1, "nvidia.com/NVIDIA_A10-12Q", 2);

    private static final ObjectMapper JSON = Mappers.json();

    private GpuClusters() {}

    /** {@link #dra(KubernetesClient, Map)} with {@link #DRA_COUNTS}. */
    public static void dra(KubernetesClient client) {
        dra(client, DRA_COUNTS);
    }

    /**
     * A 2026 DRA cluster: KubeVirt v1.9.0 (GPUsWithDRA Beta, on by default; no {@code permittedHostDevices}),
     * NVIDIA's three DeviceClasses ({@link #DEVICE_CLASSES}), and per node of {@link #NODES} one ResourceSlice of
     * driver {@code gpu.nvidia.com} (pool = node name) with {@code countPerNode.get(vendorDevice)} VFIO devices of
     * each model ({@code gpu-vfio-<i>}, numbered from 0 per node in {@code vendor:device} order); gpu-node-1 also has one
     * full GPU ({@code gpu-<i>}, type {@code gpu}, model {@link #FULL_GPU_MODEL}).
     *
     * @param countPerNode {@code vendor:device} (lower case, a key of {@link #MODELS}) → VFIO devices per node
     */
    public static void dra(KubernetesClient client, Map<String, Integer> countPerNode) {
        countPerNode.keySet().forEach(GpuClusters::model);
        ObjectNode kubevirt = kubevirtCr("v1.9.0");
        create(client, kubevirt, SchemaSet.bundled("v1.9.0"));
        SchemaSet kubernetes = SchemaSet.bundled();
        DEVICE_CLASSES.forEach((name, expression) -> {
            ObjectNode c = object("resource.k8s.io/v1", "DeviceClass", name, null);
            c.putObject("spec").putArray("selectors").addObject().putObject("cel").put("expression", expression);
            validate(c, kubernetes);
            client.resources(DeviceClass.class).resource(JSON.convertValue(c, DeviceClass.class)).create();
        });
        int bus = 0x17;
        for (String node : NODES) {
            createNode(client, node, Map.of(), kubernetes);
            ObjectNode slice = object("resource.k8s.io/v1", "ResourceSlice", node + "-gpu.nvidia.com-" + suffix(node),
                    null);
            ObjectNode spec = slice.putObject("spec");
            spec.put("driver", NVIDIA_DRIVER).put("nodeName", node);
            spec.putObject("pool").put("name", node).put("generation", 1).put("resourceSliceCount", 1);
            ArrayNode devices = spec.putArray("devices");
            int index = 0;
            for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(countPerNode).entrySet()) {
                for (int n = 0; n < e.getValue(); n++, index++, bus += 0x10) {
                    devices.add(vfioDevice(node, index, bus, model(e.getKey())));
                }
            }
            if (node.equals(NODES.get(0))) {
                devices.add(fullGpu(node, index, bus, model(FULL_GPU_MODEL)));
                bus += 0x10;
            }
            validate(slice, kubernetes);
            client.resources(ResourceSlice.class).resource(JSON.convertValue(slice, ResourceSlice.class)).create();
        }
    }

    /** {@link #legacy(KubernetesClient, Map)} with {@link #LEGACY_COUNTS}. */
    public static void legacy(KubernetesClient client) {
        legacy(client, LEGACY_COUNTS);
    }

    /**
     * A cluster of the device-plugin era: KubeVirt v1.6.2 with feature gate {@code HostDevices},
     * {@code permittedHostDevices} {@link #LEGACY_PCI} and {@link #LEGACY_MDEV} (all
     * {@code externalResourceProvider: true}: NVIDIA's plugin serves them), no DeviceClasses or ResourceSlices, and
     * the nodes of {@link #NODES} advertising in {@code status.allocatable} {@code countPerNode} of each resource.
     *
     * @param countPerNode resource name → count per node; a resource not in it is not advertised
     */
    public static void legacy(KubernetesClient client, Map<String, Integer> countPerNode) {
        ObjectNode kubevirt = kubevirtCr("v1.6.2");
        ObjectNode configuration = (ObjectNode) kubevirt.path("spec").path("configuration");
        configuration.putObject("developerConfiguration").putArray("featureGates").add("HostDevices");
        ObjectNode permitted = configuration.putObject("permittedHostDevices");
        ArrayNode pci = permitted.putArray("pciHostDevices");
        LEGACY_PCI.forEach((selector, name) -> pci.addObject().put("pciVendorSelector", selector)
                .put("resourceName", name).put("externalResourceProvider", true));
        ArrayNode mdev = permitted.putArray("mediatedDevices");
        LEGACY_MDEV.forEach((selector, name) -> mdev.addObject().put("mdevNameSelector", selector)
                .put("resourceName", name).put("externalResourceProvider", true));
        create(client, kubevirt, SchemaSet.bundled("v1.6.2"));
        SchemaSet kubernetes = SchemaSet.bundled();
        for (String node : NODES) {
            createNode(client, node, countPerNode, kubernetes);
        }
    }

    /**
     * Throws {@link IllegalStateException} listing the schema findings ({@code MANIFEST_SCHEMA}) of {@code body}
     * against {@code schemas}.
     */
    public static void validate(JsonNode body, SchemaSet schemas) {
        LocatedObject o = new LocatedObject("gpu-cluster-stand-in", body, Map.of());
        List<String> findings = Validator.validateObjects(List.of(o), List.of(), schemas, ClusterFacts.NONE)
                .findings().stream().filter(f -> f.rule().equals("MANIFEST_SCHEMA"))
                .map(f -> f.path() + ": " + f.message()).toList();
        if (!findings.isEmpty()) {
            throw new IllegalStateException("stand-in object " + o.id() + " violates its schema: " + findings);
        }
    }

    private static Model model(String vendorDevice) {
        Model m = MODELS.get(vendorDevice);
        if (m == null) {
            throw new IllegalArgumentException("no GPU model " + vendorDevice + "; known: " + MODELS.keySet());
        }
        return m;
    }

    private static ObjectNode kubevirtCr(String version) {
        ObjectNode cr = object("kubevirt.io/v1", "KubeVirt", "kubevirt", "kubevirt");
        ObjectNode spec = cr.putObject("spec");
        spec.put("imagePullPolicy", "IfNotPresent");
        spec.putObject("certificateRotateStrategy");
        spec.putObject("configuration");
        spec.putObject("customizeComponents");
        spec.putObject("workloadUpdateStrategy");
        ObjectNode status = cr.putObject("status");
        status.put("phase", "Deployed").put("observedKubeVirtVersion", version).put("targetKubeVirtVersion", version)
                .put("observedKubeVirtRegistry", "quay.io/kubevirt").put("targetKubeVirtRegistry", "quay.io/kubevirt");
        return cr;
    }

    private static void create(KubernetesClient client, ObjectNode kubevirt, SchemaSet schemas) {
        validate(kubevirt, schemas);
        client.genericKubernetesResources(KUBEVIRT).inNamespace("kubevirt")
                .resource(JSON.convertValue(kubevirt, GenericKubernetesResource.class)).create();
    }

    private static void createNode(KubernetesClient client, String name, Map<String, Integer> extended,
            SchemaSet schemas) {
        ObjectNode node = object("v1", "Node", name, null);
        ObjectNode labels = ((ObjectNode) node.path("metadata")).putObject("labels");
        labels.put("kubernetes.io/hostname", name).put("kubernetes.io/os", "linux")
                .put("kubernetes.io/arch", "amd64").put("nvidia.com/gpu.present", "true");
        ObjectNode status = node.putObject("status");
        ObjectNode capacity = status.putObject("capacity");
        ObjectNode allocatable = status.putObject("allocatable");
        capacity.put("cpu", "64").put("memory", "527938744Ki").put("pods", "110");
        allocatable.put("cpu", "63500m").put("memory", "515355832Ki").put("pods", "110");
        extended.forEach((resource, count) -> {
            capacity.put(resource, String.valueOf(count));
            allocatable.put(resource, String.valueOf(count));
        });
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                .put("reason", "KubeletReady");
        validate(node, schemas);
        client.nodes().resource(JSON.convertValue(node, Node.class)).create();
    }

    /** A device the way NVIDIA's driver publishes a GPU bound to vfio-pci (VfioDeviceInfo.GetDevice). */
    private static ObjectNode vfioDevice(String node, int index, int bus, Model m) {
        ObjectNode d = JSON.createObjectNode().put("name", "gpu-vfio-" + index);
        ObjectNode a = d.putObject("attributes");
        a.putObject("type").put("string", "vfio");
        a.putObject("uuid").put("string", uuid(node, index));
        a.putObject("deviceID").put("string", m.deviceId());
        a.putObject("vendorID").put("string", m.vendorId());
        a.putObject("numa").put("int", index % 2);
        a.putObject("pcieBusID").put("string", String.format("00000000:%02X:00.0", bus));
        a.putObject("productName").put("string", m.productName());
        a.putObject("iommuFDEnabled").put("bool", false);
        a.putObject("resource.kubernetes.io/pciBusID").put("string", String.format("0000:%02x:00.0", bus));
        d.putObject("capacity").putObject("addressableMemory").put("value", m.memory());
        return d;
    }

    /** A full GPU (bound to the nvidia driver, for containers), as NVIDIA's driver publishes it (GpuInfo). */
    private static ObjectNode fullGpu(String node, int index, int bus, Model m) {
        ObjectNode d = JSON.createObjectNode().put("name", "gpu-" + index);
        ObjectNode a = d.putObject("attributes");
        a.putObject("type").put("string", "gpu");
        a.putObject("uuid").put("string", uuid(node, index));
        a.putObject("index").put("int", index);
        a.putObject("minor").put("int", index);
        a.putObject("productName").put("string", m.productName());
        a.putObject("brand").put("string", "Nvidia");
        a.putObject("architecture").put("string", "Hopper");
        a.putObject("cudaComputeCapability").put("version", "9.0.0");
        a.putObject("driverVersion").put("version", "580.95.5");
        a.putObject("cudaDriverVersion").put("version", "13.0.0");
        a.putObject("pcieBusID").put("string", String.format("00000000:%02X:00.0", bus));
        a.putObject("resource.kubernetes.io/pciBusID").put("string", String.format("0000:%02x:00.0", bus));
        d.putObject("capacity").putObject("memory").put("value", m.memory());
        return d;
    }

    private static String uuid(String node, int index) {
        return "GPU-" + UUID.nameUUIDFromBytes((node + "/" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static String suffix(String node) {
        return UUID.nameUUIDFromBytes(node.getBytes(StandardCharsets.UTF_8)).toString().substring(0, 5);
    }

    private static ObjectNode object(String apiVersion, String kind, String name, String namespace) {
        ObjectNode o = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode metadata = o.putObject("metadata").put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> orderedMap(Object... keysAndValues) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
