package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.Phase;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.source.ImageSources;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every qcow2 and VMDK of {@code ../shared/fixtures/hostile} (and the OVAs that carry such a disk) imported into a
 * {@code dir:} target, once as on a machine with qemu-img and once as on one without it (local qcow2 read in Java):
 * all but {@code good.qcow2} are refused as invalid input naming the image, by the Java header checks before any
 * converter runs, with bounded memory; nothing is written and nothing of {@code /etc/passwd} appears anywhere.
 * A second run does the same in a fresh JVM whose PATH has no qemu-img and whose heap is 64 MiB.
 */
class HostileImagesIT {
    private static final String GOOD = "good.qcow2";
    private static final long GOOD_SIZE = 4L << 20;
    /** Far less than the 2 GiB an unchecked L1 size asked for; a header check needs a few clusters at most. */
    private static final long MAX_ALLOCATION = 64L << 20;

    @TempDir
    Path tmp;

    enum Reader {
        /** qemu-img on the PATH: the directory sink converts non-raw images with it. */
        QEMU_IMG,
        /** no qemu-img: local qcow2 images are read as raw in Java ({@code Context.rawQcow2}). */
        JAVA
    }

    /** The hostile images: every qcow2/vmdk file, and each OVA whose disk member is one. */
    static Map<String, DiskLocation> images(Path dir) throws IOException {
        Map<String, DiskLocation> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".qcow2") || name.endsWith(".vmdk")) {
                    out.put(name, new DiskLocation.LocalFile(p));
                } else if (name.startsWith("evil-") && name.endsWith(".ova")) {
                    diskMember(p).ifPresent(m -> out.put(name + "#" + m, new DiskLocation.OvaMember(p, m)));
                }
            }
        }
        return out;
    }

    private static Optional<String> diskMember(Path ova) throws IOException {
        try (InputStream in = Files.newInputStream(ova); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile() && (e.getName().endsWith(".qcow2") || e.getName().endsWith(".vmdk"))) {
                    return Optional.of(e.getName());
                }
            }
        }
        return Optional.empty();
    }

    static ImageSources.Context context(Reader reader, Path scratch) {
        return ImageSources.Context.DEFAULT.withRawQcow2(() -> reader == Reader.JAVA).withScratch(scratch);
    }

    @TestFactory
    Stream<DynamicTest> everyHostileImageIsRefusedAndGoodQcow2Imports() throws IOException {
        Path dir = SharedDir.require("fixtures/hostile");
        Map<String, DiskLocation> images = images(dir);
        assertThat(images).containsKey(GOOD).containsKeys("datafile-passwd.qcow2", "flat-passwd.vmdk",
                "l1overflow.qcow2", "capacity-overflow.vmdk");
        List<DynamicTest> tests = new ArrayList<>();
        for (Reader reader : Reader.values()) {
            images.forEach((name, location) -> tests.add(DynamicTest.dynamicTest(name + " via " + reader,
                    () -> check(name, location, reader))));
        }
        return tests.stream();
    }

    private void check(String name, DiskLocation location, Reader reader) throws Exception {
        Path out = tmp.resolve(name.replace('#', '_') + "-" + reader);
        Files.createDirectories(out);
        ImageSources.Context ctx = context(reader, out);
        if (name.equals(GOOD)) {
            ImportResult r = Importer.run(new Importer.Job("d", ImageSources.open(location, ctx),
                    new DirectorySink(out, "vol")), TransferSettings.defaults(), ProgressListener.NONE);
            assertThat(Files.size(out.resolve("vol.img"))).isEqualTo(GOOD_SIZE);
            assertThat(r.target()).endsWith("vol.img");
            return;
        }
        String file = name.contains("#") ? name.substring(0, name.indexOf('#')) : name;

        // Refused by opening and inspecting alone (Java only: no process runs there), in bounded memory.
        long before = allocatedBytes();
        Throwable inspected = catchThrowable(() -> Inspector.inspect(ImageSources.open(location, ctx)));
        long allocated = allocatedBytes() - before;
        assertRefused(inspected, file);
        assertThat(allocated).as("bytes allocated refusing %s", name).isLessThan(MAX_ALLOCATION);

        // The whole import: the same refusal, no transfer started, nothing written, no host file copied.
        List<Phase> phases = Collections.synchronizedList(new ArrayList<>());
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(String disk, Phase phase, String detail) {
                phases.add(phase);
            }
        };
        Throwable imported = catchThrowable(() -> Importer.run(new Importer.Job("d",
                ImageSources.open(location, ctx), new DirectorySink(out, "vol")), TransferSettings.defaults(),
                listener));
        assertRefused(imported, file);
        assertThat(phases).doesNotContain(Phase.TRANSFER, Phase.VERIFY, Phase.DONE);
        assertThat(out.resolve("vol.img")).doesNotExist();
        assertNothingOfPasswd(out);
    }

    static void assertRefused(Throwable t, String file) {
        assertThat(t).as("refusal of %s", file).isInstanceOf(KvMigrateException.class);
        KvMigrateException e = (KvMigrateException) t;
        assertThat(e.exitCode()).as("exit code for %s: %s", file, e.getMessage()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(e.getMessage()).contains(file).doesNotContain("Exception", "java.", "dev.kvmigrate");
    }

    /** No file under {@code dir} holds the first line of the host's /etc/passwd. */
    static void assertNothingOfPasswd(Path dir) throws IOException {
        Path passwd = Path.of("/etc/passwd");
        if (!Files.isReadable(passwd)) {
            return;
        }
        String firstLine = Files.readAllLines(passwd).get(0);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as("contents of %s", f).doesNotContain(firstLine);
            }
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @Test
    void aJvmWithoutQemuImgOnItsPathRefusesTheSameInA64MiBHeap() throws Exception {
        Path dir = SharedDir.require("fixtures/hostile");
        Path emptyBin = Files.createDirectories(tmp.resolve("bin-without-qemu-img"));
        Path out = Files.createDirectories(tmp.resolve("no-qemu-img"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), WithoutQemuImg.class.getName(),
                dir.toString(), out.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", emptyBin.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).as(output).contains("qemu-img: absent");
        Map<String, DiskLocation> images = images(dir);
        for (String name : images.keySet()) {
            String expected = name + "\t" + (name.equals(GOOD) ? 0 : ExitCode.INVALID_INPUT.code()) + "\t";
            assertThat(lines).as(output).anyMatch(l -> l.startsWith(expected));
        }
        assertThat(out.resolve(GOOD + "/vol.img")).exists();
        assertNothingOfPasswd(out);
    }

    /**
     * Run in a child JVM: imports every hostile image as a plan run would on this machine (Java qcow2 reader when
     * qemu-img does not run) and prints {@code NAME TAB EXIT-CODE TAB MESSAGE} per image.
     */
    public static final class WithoutQemuImg {
        public static void main(String[] args) throws Exception {
            boolean qemuImg = DirectorySink.qemuImgInstalled();
            System.out.println("qemu-img: " + (qemuImg ? "present" : "absent"));
            Path out = Path.of(args[1]);
            for (Map.Entry<String, DiskLocation> image : images(Path.of(args[0])).entrySet()) {
                Path target = Files.createDirectories(out.resolve(image.getKey().replace('#', '_')));
                String line;
                try {
                    ImageSources.Context ctx = context(qemuImg ? Reader.QEMU_IMG : Reader.JAVA, target);
                    Importer.run(new Importer.Job("d", ImageSources.open(image.getValue(), ctx),
                            new DirectorySink(target, "vol")), TransferSettings.defaults(), ProgressListener.NONE);
                    line = "0\tok";
                } catch (KvMigrateException e) {
                    line = e.exitCode().code() + "\t" + e.getMessage();
                } catch (Throwable t) {
                    line = ExitCode.INTERNAL.code() + "\t" + t;
                }
                System.out.println(image.getKey() + "\t" + line.replace('\n', ' '));
            }
        }
    }
}
