package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.CdiTarget;
import dev.kvmigrate.importer.sink.CdiUploadSink;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.sink.VolumeSink;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.RecordingListener;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.importer.standin.Volume;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OVA members (plain tar and gzip'd tar) × member formats (streamOptimized VMDK, qcow2, raw) × sinks (directory,
 * CDI upload), each proven byte-exact with {@code qemu-img compare} against the member's original image; plus the
 * refusals (no scratch directory, missing or untrustworthy members, too little room) and scratch clean-up.
 */
class OvaMemberImportIT {
    /** Sector-aligned, not a whole number of 64 KiB blocks or qcow2 clusters. */
    static final long SIZE = 40L * 1024 * 1024 + 3 * 512;
    static final TransferSettings FAST = TransferSettings.defaults().withBackoff(Duration.ofMillis(20))
            .withWait(Duration.ofSeconds(30));
    static final AtomicInteger names = new AtomicInteger();

    @TempDir static Path tmp;
    static Path raw;
    static Path plainOva;
    static Path gzipOva;
    static Path gzipOvaGz;
    static ClusterStandIn cluster;

    enum Member {
        VMDK("disk-1.vmdk"),
        QCOW2("disk-2.qcow2"),
        RAW("disk-3.img");

        final String entry;

        Member(String entry) {
            this.entry = entry;
        }

        Path original() {
            return tmp.resolve("members").resolve(entry);
        }
    }

    enum Archive {
        PLAIN,
        GZIP
    }

    enum Sink {
        DIR,
        CDI
    }

    @BeforeAll
    static void images() throws IOException {
        raw = scatteredRaw(tmp.resolve("base.raw"));
        Path members = Files.createDirectories(tmp.resolve("members"));
        TestImages.run("qemu-img", "convert", "-q", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized",
                raw.toString(), members.resolve(Member.VMDK.entry).toString());
        TestImages.convert(raw, "qcow2", members.resolve(Member.QCOW2.entry));
        Files.copy(raw, members.resolve(Member.RAW.entry));
        plainOva = tmp.resolve("vm.ova");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(plainOva))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            bytes(tar, "vm.ovf", "<?xml version=\"1.0\"?><Envelope/>");
            for (Member m : Member.values()) {
                TarArchiveEntry e = new TarArchiveEntry(m.entry);
                e.setSize(Files.size(m.original()));
                tar.putArchiveEntry(e);
                Files.copy(m.original(), tar);
                tar.closeArchiveEntry();
            }
            // entries an attacker or a careless exporter may add: never a disk
            special(tar, "link.vmdk", TarConstants.LF_SYMLINK, Member.VMDK.entry);
            special(tar, "hard.img", TarConstants.LF_LINK, Member.RAW.entry);
            special(tar, "console", TarConstants.LF_CHR, null);
            special(tar, "sda", TarConstants.LF_BLK, null);
            bytes(tar, "../escape.img", "not a disk");
        }
        // gzip's own tool, not Java's writer, and both names an exporter uses
        gzipOva = tmp.resolve("vm-gzip.ova");
        TestImages.run("sh", "-c", "gzip -1 -c " + plainOva + " > " + gzipOva);
        gzipOvaGz = Files.copy(gzipOva, tmp.resolve("vm.ova.gz"));
    }

    /** A raw disk with random data at scattered, partly unaligned offsets (first and last sector included). */
    static Path scatteredRaw(Path file) throws IOException {
        TestImages.run("qemu-img", "create", "-q", "-f", "raw", file.toString(), Long.toString(SIZE));
        Random rnd = new Random(42);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            write(ch, rnd, 0, 4096);
            write(ch, rnd, SIZE - 512, 512);
            for (int i = 0; i < 60; i++) {
                long at = (long) (rnd.nextDouble() * (SIZE - 300_000));
                write(ch, rnd, at, 1 + rnd.nextInt(256 * 1024));
            }
        }
        return file;
    }

    private static void write(FileChannel ch, Random rnd, long at, int len) throws IOException {
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        ByteBuffer bb = ByteBuffer.wrap(b);
        long p = at;
        while (bb.hasRemaining()) {
            p += ch.write(bb, p);
        }
    }

    private static void bytes(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true); // keep the name as given, '..' included
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }

    private static void special(TarArchiveOutputStream tar, String name, byte flag, String target)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, flag);
        if (target != null) {
            e.setLinkName(target);
        }
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    static synchronized ClusterStandIn cluster() throws IOException {
        if (cluster == null) {
            cluster = ClusterStandIn.start(tmp.resolve("volumes"), SharedDir.require("schemas/cdi-swagger.json"));
        }
        return cluster;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Stream<Arguments> combinations() {
        return Stream.of(Archive.values()).flatMap(a -> Stream.of(Member.values())
                .flatMap(m -> Stream.of(Sink.values()).map(s -> Arguments.of(a, m, s))));
    }

    @ParameterizedTest(name = "{0} OVA, {1} member -> {2} sink")
    @MethodSource("combinations")
    void memberLandsByteExact(Archive archive, Member member, Sink sink) throws Exception {
        // gzip'd OVAs come as .ova.gz and as .ova: the bytes decide, not the name
        Path ova = archive == Archive.PLAIN ? plainOva : sink == Sink.DIR ? gzipOvaGz : gzipOva;
        Path dir = Files.createDirectories(tmp.resolve("out-" + names.incrementAndGet()));
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(ova, member.entry),
                ImageSources.Context.DEFAULT.withScratch(dir));
        assertThat(source).isInstanceOf(archive == Archive.PLAIN ? OvaEntrySource.class : GzipOvaMemberSource.class);
        assertThat(source.length()).hasValue(Files.size(member.original()));
        RecordingListener l = new RecordingListener();
        boolean scratchPath = archive == Archive.GZIP && member != Member.RAW && sink == Sink.DIR;

        Path landed;
        ImportResult r;
        if (sink == Sink.DIR) {
            r = run(source, new DirectorySink(dir, "vol"), l);
            landed = dir.resolve("vol.img");
            assertThat(r.encoding()).isEqualTo(member == Member.RAW ? "sparse-write" : "qemu-img");
            assertThat(Files.size(landed)).isEqualTo(SIZE);
        } else {
            String name = "ova-" + names.incrementAndGet();
            r = run(source, new CdiUploadSink(cluster().client(), CdiTarget.dataVolume("default", name)), l);
            Volume v = cluster().volume("default", name).orElseThrow();
            assertThat(v.state()).isEqualTo(Volume.State.SUCCEEDED);
            landed = v.file();
            // containers go as stored bytes and CDI converts them; raw goes framed with holes skipped, or as it is
            // when it is a local slice the filesystem reports dense (a plain tar stores the zeros)
            if (member == Member.RAW) {
                assertThat(r.encoding()).isIn(archive == Archive.PLAIN ? List.of("raw", "zstd-adaptive")
                        : List.of("zstd-adaptive"));
            } else {
                assertThat(r.encoding()).isEqualTo("as-is");
            }
            if (member == Member.RAW) {
                assertThat(r.digest()).isEqualTo(v.digest(Checksum.XXH3));
            }
            assertThat(cluster().schemaViolations()).isEmpty();
        }
        assertThat(r.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
        assertThat(TestImages.identical(member.original(), landed)).as("qemu-img compare with the original %s",
                member.entry).isTrue();
        assertThat(TestImages.identical(raw, landed)).as("qemu-img compare with the base disk").isTrue();
        assertThat(l.phases).as("scratch copy used only where qemu-img must seek in a stream")
                .filteredOn(p -> p.contains("scratch")).hasSize(scratchPath ? 2 : 0);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("nothing but the volume is left in the target/scratch directory")
                    .containsExactlyElementsOf(sink == Sink.DIR ? List.of(landed) : List.of());
        }
    }

    private static ImportResult run(ImageSource source, VolumeSink sink, RecordingListener l) {
        return Importer.run(new Importer.Job("d", source, sink), FAST, l);
    }

    @Test
    void gzipQcow2MemberWithoutScratchDirIsRefusedSayingHowToGetOne() throws IOException {
        Path out = tmp.resolve("no-scratch");
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(gzipOva, Member.QCOW2.entry),
                ImageSources.Context.DEFAULT);
        assertThatThrownBy(() -> run(source, new DirectorySink(out, "vol"), new RecordingListener()))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining(gzipOva + ": member " + Member.QCOW2.entry)
                .hasMessageContaining("no scratch directory")
                .hasMessageContaining("withScratch")
                .hasMessageContaining("gunzip -c");
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Archive.class)
    void missingMemberIsRefusedListingTheMembers(Archive archive) {
        Path ova = archive == Archive.PLAIN ? plainOva : gzipOva;
        assertThatThrownBy(() -> ImageSources.open(new DiskLocation.OvaMember(ova, "disk-9.vmdk"),
                ImageSources.Context.DEFAULT))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("has no member named 'disk-9.vmdk'")
                .hasMessageContaining("[vm.ovf, disk-1.vmdk, disk-2.qcow2, disk-3.img, link.vmdk, hard.img, console,"
                        + " sda, ../escape.img]");
    }

    @ParameterizedTest
    @EnumSource(Archive.class)
    void linksDevicesAndUnsafeNamesAreRefused(Archive archive) {
        Path ova = archive == Archive.PLAIN ? plainOva : gzipOva;
        String[][] cases = {
            {"link.vmdk", "is a symbolic link to 'disk-1.vmdk'"},
            {"hard.img", "is a hard link to 'disk-3.img'"},
            {"console", "is a character device"},
            {"sda", "is a block device"},
            {"../escape.img", "climbs out of the archive with '..'"},
            {"/disk-3.img", "is absolute"},
            {"", "is empty"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> ImageSources.open(new DiskLocation.OvaMember(ova, c[0]),
                    ImageSources.Context.DEFAULT)).as(c[0])
                    .isInstanceOf(KvMigrateException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void tooLittleRoomForTheScratchCopyIsRefusedNamingMemberBytesAndDirectory() {
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(gzipOva, Member.QCOW2.entry),
                ImageSources.Context.DEFAULT);
        long size = source.length().orElseThrow();
        Path dir = tmp.resolve("small");
        assertThatThrownBy(() -> ScratchCopy.requireSpace(source, size, dir, size))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining(gzipOva + "#" + Member.QCOW2.entry)
                .hasMessageContaining("needs " + ScratchCopy.needed(size) + " bytes")
                .hasMessageContaining("free in " + dir + ", which has " + size);
    }

    @Test
    void scratchCopyIsSparseIdenticalAndGoneOnClose() throws IOException {
        Path dir = tmp.resolve("scratch-direct");
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(gzipOva, Member.RAW.entry),
                ImageSources.Context.DEFAULT.withScratch(dir));
        Path file;
        try (ScratchCopy copy = ((ScratchCopySource) source).copyToScratch("test")) {
            file = copy.file();
            assertThat(file.getParent()).isEqualTo(dir);
            assertThat(file.getFileName().toString()).startsWith(".kv-migrate-scratch-");
            assertThat(Files.size(file)).isEqualTo(SIZE);
            assertThat(TestImages.allocated(file)).isLessThan(SIZE / 2);
            assertThat(TestImages.identical(raw, file)).isTrue();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void scratchCopyIsRemovedWhenConversionFails() throws IOException {
        // a qcow2 with a sound header whose first L2 table offset is unaligned: probed fine, qemu-img refuses it
        // (an unknown incompatible feature bit no longer gets this far: the header check refuses it)
        Path cut = Files.createDirectories(tmp.resolve("cut"));
        Path bad = Files.copy(Member.QCOW2.original(), cut.resolve("bad.qcow2"));
        try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
            f.seek(40);
            long l1 = f.readLong();
            f.seek(l1);
            long entry = f.readLong();
            f.seek(l1);
            f.writeLong(entry | 0x200);
        }
        Path ova = TestImages.ova(cut.resolve("bad.ova"), bad);
        Path gz = cut.resolve("bad.ova.gz");
        TestImages.run("sh", "-c", "gzip -c " + ova + " > " + gz);
        Path out = tmp.resolve("out-bad");
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(gz, "bad.qcow2"),
                ImageSources.Context.DEFAULT.withScratch(out));
        RecordingListener l = new RecordingListener();
        assertThatThrownBy(() -> run(source, new DirectorySink(out, "vol"), l))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("qemu-img");
        assertThat(l.phases).anyMatch(p -> p.contains("scratch"));
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void scratchCopyIsRemovedWhenTheGzipEndsInsideTheMember() throws IOException {
        Path gz = gzippedQcow2Ova("trunc");
        try (RandomAccessFile f = new RandomAccessFile(gz.toFile(), "rw")) {
            f.setLength(f.length() * 7 / 10);
        }
        Path out = tmp.resolve("out-trunc");
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(gz, Member.QCOW2.entry),
                ImageSources.Context.DEFAULT.withScratch(out));
        assertThatThrownBy(() -> run(source, new DirectorySink(out, "vol"), new RecordingListener()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("scratch")
                .hasMessageContaining("gzip -t");
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aCorruptGzipUnderTheScratchCopyBlamesTheArchiveAsInvalidInputNotTheTargetsDiskSpace() throws IOException {
        Path gz = gzippedQcow2Ova("flip");
        try (RandomAccessFile f = new RandomAccessFile(gz.toFile(), "rw")) {
            long at = f.length() * 7 / 10; // past the header the probe reads: the scratch copy meets it
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
        Path out = tmp.resolve("out-flip");
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(gz, Member.QCOW2.entry),
                ImageSources.Context.DEFAULT.withScratch(out));
        assertThatThrownBy(() -> run(source, new DirectorySink(out, "vol"), new RecordingListener()))
                .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains(gz.toString(), "gzip -t").doesNotContain("space", "free");
                });
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    /** A gzip-compressed OVA holding the qcow2 member, in its own folder under {@code tmp}. */
    private Path gzippedQcow2Ova(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path ova = TestImages.ova(dir.resolve(name + ".ova"), Member.QCOW2.original());
        Path gz = dir.resolve(name + ".ova.gz");
        TestImages.run("sh", "-c", "gzip -1 -c " + ova + " > " + gz);
        return gz;
    }
}
