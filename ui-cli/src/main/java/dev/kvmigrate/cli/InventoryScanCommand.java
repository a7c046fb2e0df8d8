package dev.kvmigrate.cli;

import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.SourceProblems;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.libvirt.LibvirtSource;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.ova.OvaSource;
import dev.kvmigrate.inventory.ovirt.OvirtSettings;
import dev.kvmigrate.inventory.ovirt.OvirtSource;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.InventoryCodec;
import dev.kvmigrate.inventory.model.Severity;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kv-migrate inventory scan}: read one source into an inventory, print it or write the inventory file. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Scan a source and list its VMs with disks, NICs, GPUs (vGPU types resolved through the host's",
            "mediated devices, passthrough GPUs by PCI product) and migration concerns.",
            "Concerns are findings, not failures: a scan that worked exits 0. A dump file or domain that",
            "cannot be read is named on stderr as a warning and the rest is scanned (still exit 0)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  kv-migrate inventory scan --libvirt qemu:///system",
            "  kv-migrate inventory scan --libvirt qemu+ssh://root@kvm1/system --vm 'cad-*' -o yaml",
            "  kv-migrate inventory scan --libvirt test:///$PWD/gpu-host.xml -o json",
            "  kv-migrate inventory scan --xml-dir examples/gpu-host -o table",
            "  kv-migrate inventory scan --xml-dir ./dumps --out inventory.yaml",
            "  kv-migrate inventory scan --ovirt https://engine/ovirt-engine/api --user admin@internal \\",
            "      --password-file pw.txt --ca-file engine-ca.pem --search 'cluster=prod and status=down'",
            "  kv-migrate inventory scan --ova export/vm.ova -o yaml",
            "  kv-migrate inventory scan --ova nsx-unified-appliance.ovf --ovf-config large",
            "  kv-migrate inventory scan --ova exports/ --out inventory.yaml",
            "",
            "--xml-dir reads *.xml files (recursively) as 'virsh dumpxml NAME' and 'virsh nodedev-dumpxml DEV' print",
            "them; other files are ignored, XML of other kinds skipped, broken files reported by name.",
            "--ova DIR reads every *.ova, *.ova.gz and *.ovf file under DIR (recursively) the same way: a file that",
            "cannot be read is named on stderr with the reason and the others are scanned. A single --ova FILE that",
            "cannot be read is an error (exit 3).",
            "",
            "Exit codes: 0 scanned, 2 usage, 3 invalid input (also --vm matching nothing), 4 source unreachable,",
            "6 I/O error."
        })
final class InventoryScanCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InventoryScanCommand.class);

    /** Exactly one source. New source kinds add an option here and a case in {@link #open()}. */
    static final class SourceOptions {
        @Option(names = "--libvirt", paramLabel = "URI",
                description = "libvirt connection URI (qemu:///system, qemu+ssh://host/system, test:///path.xml).")
        String libvirt;

        @Option(names = "--xml-dir", paramLabel = "DIR",
                description = "Directory of 'virsh dumpxml' / 'virsh nodedev-dumpxml' output (offline hosts).")
        Path xmlDir;

        @Option(names = "--ovirt", paramLabel = "URL",
                description = "oVirt/RHV engine API URL (https://ENGINE/ovirt-engine/api).")
        URI ovirt;

        @Option(names = "--ova", paramLabel = "FILE|DIR",
                description = "OVA archive (plain or gzip), OVF descriptor, or unpacked OVA directory.")
        Path ova;
    }

    /** Engine credentials and TLS, used with --ovirt. The password never comes from argv. */
    static final class OvirtOptions {
        @Option(names = "--user", paramLabel = "USER", description = "Engine user, e.g. admin@internal.")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "File whose first line is the password (else env " + EngineSettings.PASSWORD_ENV + ").")
        Path passwordFile;

        @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM CA that signed the engine's certificate.")
        Path caFile;

        @Option(names = "--insecure", description = "Do not verify the engine's TLS certificate (not recommended).")
        boolean insecure;

        @Option(names = "--search", paramLabel = "QUERY",
                description = "Engine search expression, e.g. 'cluster=prod and status=down'.")
        String search;
    }

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Source (one of):%n")
    SourceOptions source;

    @ArgGroup(exclusive = false, heading = "oVirt / RHV (with --ovirt):%n")
    OvirtOptions ovirtOptions = new OvirtOptions();

    @Option(names = "--ovf-config", paramLabel = "NAME",
            description = "With --ova: the OVF deployment configuration (DeploymentOptionSection) to read CPU,"
                    + " memory, disks and NICs in. Default: each OVF's own default. A name an OVF lacks is an error"
                    + " (in a folder scan, a warning for that file).")
    String ovfConfig;

    @Option(names = "--vm", paramLabel = "NAME|GLOB",
            description = "VM name or shell glob; repeatable. Default: all VMs. A pattern matching nothing is an error.")
    List<String> vms = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output on stdout: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the inventory file instead (YAML for .yaml/.yml, else JSON), atomically.")
    Path out;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Inventory inv;
        List<String> problems;
        try (VmSource src = open()) {
            inv = src.scan(VmSelector.of(vms));
            problems = src instanceof SourceProblems p ? p.problems() : List.of();
            if (src instanceof OvirtSource o) {
                LOG.debug("oVirt scan used {} requests", o.requestCount());
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        for (String p : problems) {
            err.println("kv-migrate: warning: " + p);
        }
        if (out != null) {
            InventoryCodec.write(inv, out);
            err.println("kv-migrate: wrote " + inv.vms().size() + " VM(s) to " + out + " ("
                    + count(inv, Severity.BLOCKER) + " blocker(s), " + count(inv, Severity.WARNING) + " warning(s)"
                    + (problems.isEmpty() ? "" : ", " + problems.size() + " unreadable item(s)") + ")");
            err.flush();
            return 0;
        }
        err.flush();
        PrintWriter stdout = spec.commandLine().getOut();
        if (output == OutputFormat.table) {
            stdout.print(InventoryTable.render(inv));
            stdout.flush();
        } else {
            Printer.print(stdout, inv, output);
        }
        return 0;
    }

    private VmSource open() {
        if (source.ovirt == null && (ovirtOptions.user != null || ovirtOptions.passwordFile != null
                || ovirtOptions.caFile != null || ovirtOptions.insecure || ovirtOptions.search != null)) {
            throw new ParameterException(spec.commandLine(),
                    "--user, --password-file, --ca-file, --insecure and --search go with --ovirt");
        }
        if (ovfConfig != null && source.ova == null) {
            throw new ParameterException(spec.commandLine(), "--ovf-config goes with --ova");
        }
        if (source.libvirt != null) {
            return LibvirtSource.open(source.libvirt);
        }
        if (source.ovirt != null) {
            return OvirtSource.open(ovirtSettings());
        }
        if (source.ova != null) {
            return OvaSource.open(source.ova, Optional.ofNullable(ovfConfig));
        }
        return XmlDumpSource.open(source.xmlDir);
    }

    private OvirtSettings ovirtSettings() {
        if (ovirtOptions.user == null) {
            throw new ParameterException(spec.commandLine(), "--ovirt needs --user (e.g. --user admin@internal)");
        }
        Secret password = ovirtOptions.passwordFile != null
                ? Secret.fromFile(ovirtOptions.passwordFile)
                : Secret.fromEnvironment(EngineSettings.PASSWORD_ENV).orElseThrow(() -> new ParameterException(
                        spec.commandLine(), "--ovirt needs a password: --password-file FILE or environment variable "
                                + EngineSettings.PASSWORD_ENV));
        try {
            return OvirtSettings.of(source.ovirt, ovirtOptions.user, password,
                    Optional.ofNullable(ovirtOptions.caFile), ovirtOptions.insecure,
                    Optional.ofNullable(ovirtOptions.search));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static long count(Inventory inv, Severity severity) {
        return inv.vms().stream().flatMap(vm -> vm.concerns().stream()).filter(c -> c.severity() == severity).count();
    }
}
