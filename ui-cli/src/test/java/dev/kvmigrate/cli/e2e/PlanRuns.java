package dev.kvmigrate.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.cli.CliAccess;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.converter.DiskTransfer;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRun;
import dev.kvmigrate.plans.run.VmWork;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kv-migrate plan run} of one source into the directory target and into the cluster stand-in (fabric8 CRUD
 * mock + CDI emulation + upload proxy, reached through a kubeconfig), every disk compared with the raw content its
 * source holds ({@code qemu-img compare}).
 */
final class PlanRuns {
    private PlanRuns() {}

    /**
     * Runs the plan into {@code dir:} and into the cluster stand-in and compares every disk.
     *
     * @param sources each source image (by file name: what the unit's location names) → its raw content
     */
    static void both(Path tmp, String name, String source, String vms, Map<Path, Path> sources) throws Exception {
        Map<String, Path> byName = new LinkedHashMap<>();
        sources.forEach((k, v) -> byName.put(k.getFileName().toString(), v));

        Path dirPlan = plan(tmp, name + "-dir", source, "dir:out-" + name, vms);
        long t0 = System.nanoTime();
        CliAccess.Run run = CliAccess.run("plan", "run", dirPlan.toString());
        System.out.printf("%s: plan run into dir: %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        Map<String, Path> expected = expected(dirPlan, byName);
        assertThat(expected).as("disks of " + name).hasSize(sources.size());
        Path disks = tmp.resolve("out-" + name).resolve("disks");
        for (var e : expected.entrySet()) {
            SourceImages.assertIdentical(e.getValue(), new DirectorySink(disks, e.getKey()).file(),
                    name + " dir: " + e.getKey());
        }

        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("volumes-" + name),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            Path kubeconfig = tmp.resolve("kubeconfig");
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
                    + "    server: " + cluster.client().getMasterUrl() + "\n    insecure-skip-tls-verify: true\n"
                    + "contexts:\n- name: mock\n  context: {cluster: mock, user: u, namespace: default}\n"
                    + "current-context: mock\nusers:\n- name: u\n  user: {token: t}\n");
            Path clusterPlan = plan(tmp, name + "-cluster", source, "{cluster: {kubeconfig: kubeconfig, context: mock,"
                    + " uploadProxyUrl: \"" + cluster.uploadProxyUrl() + "\"}}", vms);
            long t1 = System.nanoTime();
            CliAccess.Run c = CliAccess.run("plan", "run", clusterPlan.toString());
            System.out.printf("%s: plan run into the cluster stand-in: %.1f s%n", name, (System.nanoTime() - t1) / 1e9);
            assertThat(c.code()).as(c.out() + c.err()).isZero();
            assertThat(cluster.schemaViolations()).isEmpty();
            for (var e : expected(clusterPlan, byName).entrySet()) {
                Path volume = cluster.volume("default", e.getKey()).orElseThrow(() -> new AssertionError(
                        "no volume " + e.getKey())).file();
                SourceImages.assertIdentical(e.getValue(), volume, name + " cluster: " + e.getKey());
            }
        }
    }

    /** A plan of {@code source} into {@code target} for the VMs {@code vms} ({@code [a, b]}). */
    static Path plan(Path tmp, String name, String source, String target, String vms) throws Exception {
        Path plan = tmp.resolve(name + ".yaml");
        Files.writeString(plan, "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: " + name
                + "}\nsource: {" + source + "}\ntarget: " + target + "\nvms: {names: " + vms + "}\n"
                + "options: {concurrency: 2}\n");
        return plan;
    }

    /** DataVolume name → the raw content its disk must hold, from the plan's own migration units. */
    private static Map<String, Path> expected(Path plan, Map<String, Path> byName) {
        PlanConversion.Prepared p = PlanRun.prepare(PlanReader.read(plan));
        Map<String, Path> out = new LinkedHashMap<>();
        for (VmWork w : p.vms()) {
            assertThat(w.blocked()).as(w.unit().concerns().toString()).isFalse();
            for (DiskTransfer t : w.unit().disks()) {
                DiskLocation loc = t.location().orElseThrow();
                String file;
                if (loc instanceof DiskLocation.LocalFile f) {
                    file = f.path().getFileName().toString();
                } else if (loc instanceof DiskLocation.OvaMember m) {
                    file = m.member();
                } else if (loc instanceof DiskLocation.OvirtDisk d) {
                    file = d.diskId();
                } else if (loc instanceof DiskLocation.LibvirtVolume v) {
                    file = v.volume();
                } else if (loc instanceof DiskLocation.LibvirtFile f) {
                    file = Path.of(f.path()).getFileName().toString();
                } else {
                    throw new AssertionError("unexpected location " + loc);
                }
                out.put(t.dataVolume(), byName.get(file));
            }
        }
        return out;
    }

}
