package dev.kvmigrate.inventory.concern;

import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Severity;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every concern code of kv-migrate, whatever stage raises it: the scan, the converter, the validator and the plan
 * check. {@code docs/concerns.md} lists them (generated from this enum by {@code ConcernCodeDocTest}, which fails
 * when the two disagree). Codes change only with a new inventory format version, which maps the old ones
 * ({@code LegacyConcernCodes}).
 *
 * <p>One severity rule: a code has one severity, the one the {@link #stage() stage that decides it} gives it
 * ({@link #at}, {@link #of}). A stage before that one may see the fact coming but cannot decide it (the scan does
 * not know the mappings): it raises the same code as a {@link Severity#WARNING} ({@link #warningAt}) saying what
 * would resolve it, and the deciding stage drops that copy and raises its own when the fact is still unresolved.
 * Each fact is reported once, under one code.
 */
public enum ConcernCode {
    // ===== decided by the scan: what the source says
    // --- platform and firmware
    ARCH_UNSUPPORTED(Stage.SCAN, Severity.BLOCKER, "The guest architecture is not x86_64, which the GPU path and this converter target."),
    NVRAM_NOT_CARRIED(Stage.SCAN, Severity.WARNING, "UEFI variables (NVRAM) are not carried over; secure-boot keys and boot entries are re-created from defaults."),
    TPM_STATE_NOT_CARRIED(Stage.SCAN, Severity.WARNING, "The vTPM's state (keys, BitLocker sealing) is not carried over; a fresh persistent TPM is created."),
    CPU_HOST_PASSTHROUGH(Stage.SCAN, Severity.WARNING, "The CPU is host-passthrough; the guest sees the target node's CPU, and live migration needs identical nodes."),
    CPU_CUSTOM_MODEL(Stage.SCAN, Severity.INFO, "A custom CPU model is set; the target must offer that model."),
    CPU_PINNED(Stage.SCAN, Severity.WARNING, "vCPUs are pinned to host CPUs; the target uses dedicatedCpuPlacement instead of the exact pins."),
    CPU_SHARES(Stage.SCAN, Severity.INFO, "CPU shares are set; KubeVirt uses CPU requests instead."),
    CPU_POLICY(Stage.SCAN, Severity.INFO, "A CPU pinning or resource policy is set on the source; it is not carried over."),
    NUMA_TUNED(Stage.SCAN, Severity.WARNING, "Memory is bound to host NUMA nodes or the guest has a NUMA topology; the target needs guestMappingPassthrough and dedicated CPUs."),
    HIGH_AVAILABILITY(Stage.SCAN, Severity.INFO, "The source restarts the VM on failure (HA); the target uses runStrategy Always."),
    DISPLAY_SPICE(Stage.SCAN, Severity.INFO, "SPICE display is configured; KubeVirt offers VNC only."),
    USB_REDIRECTION(Stage.SCAN, Severity.WARNING, "USB is enabled on the source (SPICE USB redirection); it is not migrated."),

    // --- GPUs and host devices
    GPU_CLASS_INFERRED(Stage.SCAN, Severity.INFO, "A PCI device's node device has no class (libvirt before 6.x); an NVIDIA function 0 whose product name is not an audio, USB or UCSI function's is taken for a passthrough GPU."),
    GPU_MDEV_TYPE_FROM_METADATA(Stage.SCAN, Severity.WARNING, "A mediated device is gone from the host; its type comes from the oVirt (vdsm) domain metadata (ovirt-vm:mdevType) instead: an NVIDIA type is a vGPU, any other a mediated host device. Check that the target offers that type."),
    HOSTDEV_PLACEHOLDER_SKIPPED(Stage.SCAN, Severity.INFO, "An oVirt host device is a placeholder (not a device of the VM's current host); it is left out."),

    // --- disks
    DISK_SHAREABLE(Stage.SCAN, Severity.WARNING, "A disk is shared with other VMs; it needs a ReadWriteMany volume and is imported once."),
    DISK_ILLEGAL(Stage.SCAN, Severity.BLOCKER, "A disk or one of its images is illegal on the source; fix it on the source first."),
    DISK_LOCKED(Stage.SCAN, Severity.BLOCKER, "A disk is locked on the source (an operation is running); wait and scan again."),
    DISK_IMAGE_MISSING(Stage.SCAN, Severity.BLOCKER, "A disk the OVF descriptor lists has no image file in the OVA or its directory; re-export the VM."),
    DISK_SIZE_MISMATCH(Stage.SCAN, Severity.WARNING, "A disk's size in the OVF descriptor differs from its image header; the header's size is used."),
    DISK_SCSI_RESERVATION(Stage.SCAN, Severity.WARNING, "SCSI reservation is enabled on a disk; KubeVirt persistent reservation needs a feature gate."),
    DISK_FORMAT_UNKNOWN(Stage.SCAN, Severity.WARNING, "A disk's image format is unknown; the importer detects it from the bytes."),

    // --- OVF / OVA descriptors
    OVF_CONFIGURATION_CHOSEN(Stage.SCAN, Severity.INFO, "The OVF offers several deployment configurations (DeploymentOptionSection); CPU, memory, disks and NICs are those of the one named, the OVF's default unless --ovf-config picks another."),
    OVF_HARDWARE_DEFAULTED(Stage.SCAN, Severity.WARNING, "The OVF has no usable CPU or memory item (in the deployment configuration read); the default the message names (1 vCPU, 1 GiB) is used: check the VM's size."),

    // --- network
    NIC_NETWORK_FILTER(Stage.SCAN, Severity.WARNING, "A network filter is set on a NIC; KubeVirt has no equivalent."),
    NIC_PORT_MIRRORING(Stage.SCAN, Severity.WARNING, "Port mirroring is on for a NIC; KubeVirt has no equivalent."),
    NIC_QOS(Stage.SCAN, Severity.INFO, "QoS is set on a NIC's profile; it is not carried over."),
    NIC_UNPLUGGED(Stage.SCAN, Severity.INFO, "A NIC is unplugged on the source; it is left out on the target."),

    // --- state
    VM_RUNNING(Stage.SCAN, Severity.WARNING, "The VM is running; its disks must be copied while it is shut off."),
    SNAPSHOTS_PRESENT(Stage.SCAN, Severity.WARNING, "The VM has snapshots; only the current state is migrated."),
    SNAPSHOT_MEMORY(Stage.SCAN, Severity.WARNING, "A snapshot includes memory state, which is not migrated."),
    SOURCE_PARSE_PARTIAL(Stage.SCAN, Severity.WARNING, "Part of the VM's definition could not be read; the fields named were left out."),

    // ===== decided by the converter with the mappings; the scan warns ahead ("add a mapping …")
    GPU_MDEV_MISSING(Stage.CONVERT, Severity.BLOCKER, "A vGPU's mediated device no longer exists on the host, so its type is unknown. The scan warns; the converter blocks the VM unless a gpus entry keyed by the mdev UUID names its resource (or the mdev is recreated and the VM scanned again)."),
    GPU_TYPE_NAME_UNKNOWN(Stage.CONVERT, Severity.BLOCKER, "A vGPU's type id is known but not its type name, from which the device-plugin resource name derives. The scan warns; the converter blocks the VM unless a gpus entry for the type id names the resource."),
    GPU_PRODUCT_UNKNOWN(Stage.CONVERT, Severity.BLOCKER, "A passthrough GPU's device-plugin resource name cannot be derived (product unknown, or not an NVIDIA GPU). The scan warns when the product is unknown; the converter blocks the VM unless a gpus entry for vendor:device names the resource."),
    HOSTDEV_UNMAPPED(Stage.CONVERT, Severity.BLOCKER, "A non-GPU PCI or mediated device is passed through; KubeVirt needs its resource name (hostDevices, feature gate HostDevices). The scan warns; the converter blocks the VM unless a hostDevices entry for its vendor:device (or mdev type) names one or says drop. A GPU's companion function is never blocked (GPU_COMPANION_DROPPED)."),
    GPU_SRIOV_UNMAPPED(Stage.CONVERT, Severity.BLOCKER, "An NVIDIA SR-IOV vGPU (a virtual function, vGPU 17+) is passed through; KubeVirt's PCI device plugin advertises it under the name the admin picks, and libvirt does not tell its vGPU profile. The scan warns; the converter blocks the VM unless a gpus entry for its profile name or VF vendor:device names the resource."),
    DISK_SIZE_UNKNOWN(Stage.CONVERT, Severity.BLOCKER, "A disk's virtual size is unknown (unreadable, or reported as zero), so its volume cannot be sized. The scan warns; the converter blocks the VM unless a storage.disks entry gives its size."),
    DISK_SOURCE_UNREADABLE(Stage.CONVERT, Severity.BLOCKER, "A disk's bytes are where kv-migrate cannot read them (network storage other than HTTP(S), a block device outside any storage pool, a remote disk with no file path or pool; a remote file outside any pool is read through a transient pool). The scan warns for network storage; the converter blocks the VM unless the disk is made a pool volume or marked blank in a storage.disks entry and copied by other means."),
    NIC_HOSTDEV(Stage.CONVERT, Severity.BLOCKER, "A NIC is an SR-IOV VF or PCI device. The scan warns; the converter blocks the VM unless a networks entry maps it to an SR-IOV network."),
    NIC_DIRECT(Stage.CONVERT, Severity.WARNING, "A NIC is attached directly to a host device (macvtap). The scan warns; the converter warns when no networks entry maps it (to a Multus or SR-IOV network) and it joins the pod network."),
    NIC_VHOSTUSER(Stage.CONVERT, Severity.WARNING, "A NIC uses vhost-user, which KubeVirt lacks. The scan warns; the converter warns when no networks entry maps it and it joins the pod network."),

    // ===== decided by the converter: what the target needs, changes or leaves out
    NAME_CHANGED(Stage.CONVERT, Severity.INFO, "The VM's Kubernetes name differs from its source name (not a valid RFC 1123 label, already taken, or overridden); the source name is kept in an annotation."),
    MACHINE_CHANGED(Stage.CONVERT, Severity.WARNING, "The source machine type is not q35 (i440fx, …); the target runs q35, so the guest sees a new chipset (PCIe, SATA instead of IDE)."),
    SECURE_BOOT_DROPPED(Stage.CONVERT, Severity.WARNING, "Secure boot is on but SMM is off on the source; KubeVirt needs SMM for secure boot, so the target boots UEFI without it."),
    TPM_ADDED(Stage.CONVERT, Severity.INFO, "A Windows guest without a TPM gets a persistent TPM (Windows 11 and Server 2022 need one)."),
    WATCHDOG_DROPPED(Stage.CONVERT, Severity.WARNING, "A watchdog model other than i6300esb is left out; KubeVirt offers i6300esb only."),
    CLOCK_LOCALTIME(Stage.CONVERT, Severity.WARNING, "The guest clock runs in local time without a named zone; the target uses UTC, set clock.timezone if the guest needs local time."),
    HUGEPAGES(Stage.CONVERT, Severity.INFO, "The guest is backed by 2Mi or 1Gi hugepages, which the target keeps; the target nodes must offer that page size."),
    HUGEPAGES_DROPPED(Stage.CONVERT, Severity.WARNING, "The hugepage size is neither 2Mi nor 1Gi; the guest uses normal pages on the target."),
    GPU_RESOURCE_FROM_DEVICE_ID(Stage.CONVERT, Severity.WARNING, "A passthrough NVIDIA GPU's product name is unknown; its resource is the bare device id, as the device plugin names devices missing from its pci.ids."),
    GPU_RAMFB_DROPPED(Stage.CONVERT, Severity.WARNING, "More than one vGPU asks for ramfb; KubeVirt allows it on one GPU only, the later ones lose it."),
    HOSTDEV_DROPPED(Stage.CONVERT, Severity.WARNING, "A USB, SCSI or other host device cannot be passed through by KubeVirt and is left out."),
    GPU_COMPANION_DROPPED(Stage.CONVERT, Severity.INFO, "A GPU's companion function (HDMI audio, USB-C, UCSI) passed alongside it has no hostDevices mapping and is left out; the GPU is carried."),
    HOSTDEV_DROPPED_BY_MAPPING(Stage.CONVERT, Severity.INFO, "A host device is left out because a hostDevices entry says drop."),
    GPU_DRA_NOT_CLAIMED(Stage.CONVERT, Severity.INFO, "With gpuTarget dra, a GPU stays on the device plugin: a vGPU (no NVIDIA DRA flow for vGPU exists), or a passthrough GPU no DRA selector can pick."),
    GPU_NAME_FROM_CLUSTER(Stage.CONVERT, Severity.INFO, "The cluster names a GPU's resource differently from the derived name (an admin's resourceName in the KubeVirt CR, or the NVIDIA device plugin's pre-2022 mixed-case name); the cluster's name is used."),
    GPU_NAME_CLUSTER_DIFFERS(Stage.CONVERT, Severity.WARNING, "A gpus/hostDevices mapping names a resource the cluster calls something else (KubeVirt CR selector or node allocatable); the mapping is kept, check it."),
    GPU_SRIOV_NO_NODE_GROUP(Stage.CONVERT, Severity.WARNING, "An SR-IOV vGPU's VFs share the card's vendor:device whatever their profile, so KubeVirt's PCI plugin cannot tell profiles apart; without a nodeGroups entry naming the nodes whose VFs carry the profile, the VM may get a VF of another profile."),
    GPU_SRIOV_DISPLAY(Stage.CONVERT, Severity.WARNING, "An SR-IOV vGPU had a display on the source; KubeVirt gives SR-IOV vGPUs a display only from v1.9."),
    GPU_NODE_GROUP_CONFLICT(Stage.CONVERT, Severity.BLOCKER, "A VM's GPUs are pinned to node groups whose labels contradict each other; no node can hold them all. Fix the nodeGroups entries."),
    GPU_CAPACITY_EXCEEDED(Stage.CONVERT, Severity.BLOCKER, "With --from-cluster, the cluster has fewer devices of a kind than the converted VMs ask for (device-plugin allocatable in the node pool, or DRA devices matching the claim); the VMs past the capacity are blocked, named with the pool and the count. A plan runs its VMs in GPU waves that fit, so there only a VM that by itself needs more than the cluster has is blocked."),
    EVICTION_NOT_MIGRATABLE(Stage.CONVERT, Severity.WARNING, "The mappings ask for evictionStrategy LiveMigrate, but the VM can never live-migrate (passthrough GPU, host device, or more than one vGPU); it gets None so node drains finish."),
    EVICTION_NEEDS_RWX(Stage.CONVERT, Severity.WARNING, "A VM set to LiveMigrate has a volume that is not ReadWriteMany: a vGPU VM's DataVolume without accessModes [ReadWriteMany], or (with the cluster's storage facts) a volume whose storage class's StorageProfile offers no ReadWriteMany set, named with the class. Live migration needs shared (RWX) storage, so the drain falls back to shutting the VM down. Set accessModes [ReadWriteMany] in the storage map, on a class that offers it."),
    STORAGE_FROM_CLUSTER(Stage.CONVERT, Severity.INFO, "With the cluster's storage facts, a DataVolume's access/volume modes come from its storage class's StorageProfile, or its size carries a filesystem overhead other than CDI's default 0.055 (CDIConfig, per class or global); the message names the class, the modes and the overhead with where it came from."),
    STORAGE_PROFILE_MISMATCH(Stage.CONVERT, Severity.WARNING, "With the cluster's storage facts, a storage rule pins access or volume modes that none of the storage class's StorageProfile claim property sets offers; the message names the class and what the profile offers. The pinned modes are written as they are, and CDI may fail to bind the volume."),
    DISK_BUS_CHANGED(Stage.CONVERT, Severity.WARNING, "A disk bus KubeVirt does not offer is changed (IDE → SATA; others → virtio, or SATA on a guest that needs compatible devices, reported as GUEST_COMPAT_DEVICES instead); the guest needs that driver."),
    DISK_LUN(Stage.CONVERT, Severity.BLOCKER, "A direct LUN is attached; it is not an image kv-migrate can copy, so it cannot become a DataVolume. Attach it to the cluster as a PVC by other means."),
    DISK_SKIPPED(Stage.CONVERT, Severity.INFO, "A disk entry that holds no image (empty CD-ROM, floppy) is not created."),
    CDROM_SIZE_UNKNOWN(Stage.CONVERT, Severity.WARNING, "A CD-ROM image of unknown size is left out; give its size in a storage.disks entry to carry it."),
    NIC_MODEL_CHANGED(Stage.CONVERT, Severity.WARNING, "A NIC model KubeVirt does not offer (vmxnet3, i82551, …) becomes virtio on a guest with virtio drivers (e1000e on one that needs compatible devices, reported as GUEST_COMPAT_DEVICES instead); the guest needs the virtio-net driver."),
    NETWORK_POD_DEFAULT(Stage.CONVERT, Severity.INFO, "An unmapped NIC is attached to the pod network with masquerade."),
    NETWORK_UNMAPPED(Stage.CONVERT, Severity.BLOCKER, "A NIC's network is not mapped and the pod network is already taken; add a networks entry."),
    NETWORK_POD_TWICE(Stage.CONVERT, Severity.BLOCKER, "Two NICs map to the pod network; a VM has one pod network, map the others to NetworkAttachmentDefinitions."),
    GUEST_COMPAT_DEVICES(Stage.CONVERT, Severity.WARNING, "A guest that may lack virtio drivers (Windows, or devices from VMware: pvscsi, LSI Logic or BusLogic SCSI, vmxnet or e1000 NICs) gets devices it can boot with: disks on SATA, NICs e1000e (virtio ones stay virtio). Install virtio-win and set a guests entry's virtioDrivers: true in the mappings for virtio speed."),
    NIC_RENAME_LIKELY(Stage.CONVERT, Severity.WARNING, "A NIC's model changes or its MAC is not carried, so the guest sees a new adapter: Linux may rename the interface (predictable names, MAC-bound configuration), Windows creates a new connection without the old static IP settings."),
    GPU_GUEST_DRIVER_BRANCH(Stage.CONVERT, Severity.WARNING, "A vGPU moves from a mediated device to an SR-IOV vGPU (gpuReplacements sriovVf); SR-IOV vGPU (Ada, Hopper, Blackwell) needs NVIDIA vGPU 17 or newer, so the guest needs a vGPU guest driver of the 17.x branch or newer, of the branch of the hosts' vGPU manager."),
    GPU_GUEST_DRIVER_PRODUCT(Stage.CONVERT, Severity.WARNING, "A passthrough GPU is served by another product on the target (gpuReplacements device); the guest's NVIDIA driver must support the new product."),

    // ===== decided by validate: checks on the objects
    MANIFEST_SYNTAX(Stage.VALIDATE, Severity.BLOCKER, "A manifest file is not valid YAML/JSON."),
    MANIFEST_SCHEMA(Stage.VALIDATE, Severity.BLOCKER, "An object does not match its OpenAPI schema (unknown or missing field, wrong type), lacks apiVersion/kind, or has no schema to check it against."),
    OBJECT_NAME_INVALID(Stage.VALIDATE, Severity.BLOCKER, "An object's name is not a valid RFC 1123 label (VirtualMachine) or subdomain (others)."),
    NAMESPACE_MISSING(Stage.VALIDATE, Severity.BLOCKER, "An object's namespace does not exist in the cluster."),
    VOLUME_MISSING(Stage.VALIDATE, Severity.BLOCKER, "A VM's volume refers to a DataVolume/PVC that is neither in the set nor in the cluster."),
    VOLUME_SIZE_INVALID(Stage.VALIDATE, Severity.BLOCKER, "A DataVolume's requested size or virtual-size annotation is not a valid quantity."),
    VOLUME_TOO_SMALL(Stage.VALIDATE, Severity.BLOCKER, "A DataVolume requests less than the image's virtual size plus CDI's filesystem overhead."),
    STORAGE_CLASS_MISSING(Stage.VALIDATE, Severity.BLOCKER, "A DataVolume's StorageClass does not exist in the cluster."),
    NAD_MISSING(Stage.VALIDATE, Severity.BLOCKER, "A VM's Multus network names a NetworkAttachmentDefinition that does not exist in the cluster."),
    MAC_DUPLICATE(Stage.VALIDATE, Severity.BLOCKER, "Two interfaces of the set have the same MAC address."),
    GPU_RAMFB_MULTIPLE(Stage.VALIDATE, Severity.BLOCKER, "More than one GPU of a VM has ramFB enabled; KubeVirt allows one."),
    DEVICE_NOT_PERMITTED(Stage.VALIDATE, Severity.BLOCKER, "A GPU or host device's deviceName is not permitted by the KubeVirt CR (permittedHostDevices)."),
    GPU_CAPACITY_SHORT(Stage.VALIDATE, Severity.BLOCKER, "The set asks for more devices than the cluster has: device-plugin resources beyond the allocatable count of the node pool the VMs may run in, or DRA requests beyond the published devices their DeviceClass and CEL selectors match. Names the pool and the counts."),
    DRA_CLAIM_MISSING(Stage.VALIDATE, Severity.BLOCKER, "A VM's GPU or host device names a claim or request that does not exist: claimName not in spec.template.spec.resourceClaims, a ResourceClaimTemplate not in the set, a requestName not among the template's requests, or a resourceClaims entry without exactly one of resourceClaimName and resourceClaimTemplateName."),
    DRA_DEVICE_CLASS_MISSING(Stage.VALIDATE, Severity.BLOCKER, "A ResourceClaimTemplate requests a DeviceClass the cluster does not have; install the DRA driver that publishes it (NVIDIA's: vfio.gpu.nvidia.com) or fix dra.deviceClass."),
    DRA_SELECTOR_INVALID(Stage.VALIDATE, Severity.BLOCKER, "A CEL selector of a ResourceClaimTemplate request does not compile (syntax, unknown name, not a boolean)."),

    // ===== decided by plan validate: the plan as a whole
    NETWORK_NOT_IN_PLAN(Stage.PLAN, Severity.WARNING, "A source network has no entry in the plan's mappings; the converter decides where the NIC goes."),
    STORAGE_NOT_IN_PLAN(Stage.PLAN, Severity.INFO, "A disk's storage pool has no storage rule in the plan; the cluster's default storage class is used."),
    GPU_NOT_IN_PLAN(Stage.PLAN, Severity.WARNING, "A GPU has no entry in the plan's gpus mapping; the derived device-plugin name is used, pin it in the plan."),
    HOOK_NEEDS_CLUSTER(Stage.PLAN, Severity.BLOCKER, "An image hook runs as a Kubernetes Job, but the plan's target is a directory."),
    CHECK_SKIPPED(Stage.PLAN, Severity.INFO, "A check was skipped for lack of facts (no schemas, no KubeVirt CR, no cluster); the message says how to supply them.");

    private final Stage stage;
    private final Severity severity;
    private final String meaning;

    ConcernCode(Stage stage, Severity severity, String meaning) {
        this.stage = stage;
        this.severity = severity;
        this.meaning = meaning;
    }

    /** The stage that decides this code. */
    public Stage stage() {
        return stage;
    }

    /** The severity the deciding stage gives this code. */
    public Severity severity() {
        return severity;
    }

    /**
     * The severity of this code when {@code raisedBy} raises it: its own at its deciding stage (or later), at most
     * {@link Severity#WARNING} at an earlier stage.
     */
    public Severity severityAt(Stage raisedBy) {
        return raisedBy.isBefore(stage) && severity == Severity.BLOCKER ? Severity.WARNING : severity;
    }

    /** What the code means, for the documentation. */
    public String meaning() {
        return meaning;
    }

    /** A concern of this code, its severity, about {@code field}. */
    public Concern at(String field, String message) {
        return new Concern(severity, name(), message, Optional.of(field));
    }

    /** A concern of this code about the VM as a whole. */
    public Concern of(String message) {
        return new Concern(severity, name(), message, Optional.empty());
    }

    /**
     * This code raised as a {@link Severity#WARNING} by a stage before the one that decides it: the scan seeing what
     * only a mapping can resolve. The message says what would resolve it.
     *
     * @throws IllegalStateException for a code the scan decides, which has no earlier stage
     */
    public Concern warningAt(String field, String message) {
        if (stage == Stage.SCAN) {
            throw new IllegalStateException(name() + " is decided by the scan; raise it with at(), not warningAt()");
        }
        return new Concern(Severity.WARNING, name(), message, Optional.of(field));
    }

    /** The code of that name, if there is one. */
    public static Optional<ConcernCode> named(String code) {
        return Arrays.stream(values()).filter(c -> c.name().equals(code)).findFirst();
    }

    /** The names of the codes {@code stage} decides. */
    public static Set<String> decidedBy(Stage stage) {
        return Arrays.stream(values()).filter(c -> c.stage == stage).map(Enum::name)
                .collect(Collectors.toUnmodifiableSet());
    }
}
