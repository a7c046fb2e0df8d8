package dev.kvmigrate.common.ova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared OVA reader: members and their bytes, the member policy over the hostile fixtures, and its bounds. */
class OvaTarReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kvmigrate.common.ova.HostileOvas#rows")
    void hostileFixturesGetTheirAnswer(HostileOvas.Row row) throws IOException {
        for (Path ova : List.of(row.path(), HostileOvas.gzipped(row.path(), dir))) {
            Optional<String> answer = HostileOvas.policyAnswer(ova);
            if (row.answer() == HostileOvas.Answer.REFUSED) {
                assertThat(answer).as(ova.toString()).hasValueSatisfying(
                        m -> assertThat(m).startsWith(row.refusalStart(ova)));
                if (!row.phrase().contains("not a regular file") && !row.phrase().contains("ambiguous")) {
                    // a refused name asked for by the import gets the very message the scan gives the member
                    assertThatThrownBy(() -> OvaMemberPolicy.requireSafeName(ova, row.member()))
                            .hasMessage(answer.get());
                }
            } else {
                assertThat(answer).as(ova.toString()).isEmpty();
                OvaMemberPolicy.requireSafeName(ova, row.member());
                assertThat(bytesOf(ova, row.member())).isNotEmpty()
                        .satisfies(b -> assertThat(row.phrase().isEmpty()
                                || new String(b, StandardCharsets.UTF_8).equals(row.phrase())).isTrue());
            }
        }
    }

    @Test
    void plainMembersCarryTheirOffsetAndBothKindsStreamExactlyTheirBytes() throws IOException {
        byte[] disk = new byte[300_000];
        new Random(7).nextBytes(disk);
        Path plain = tar(dir.resolve("vm.ova"), List.of("vm.ovf", "./disk.raw", "d/extra"),
                List.of("<Envelope/>".getBytes(StandardCharsets.UTF_8), disk, new byte[0]));
        Path gz = HostileOvas.gzipped(plain, dir);
        for (Path ova : List.of(plain, gz)) {
            List<String> names = new ArrayList<>();
            try (OvaTarReader tar = OvaTarReader.open(ova)) {
                assertThat(tar.gzip()).isEqualTo(ova == gz);
                for (Optional<OvaMember> m = tar.next(); m.isPresent(); m = tar.next()) {
                    names.add(m.get().name());
                    assertThat(m.get().refusal()).isEmpty();
                    assertThat(m.get().dataOffset().isPresent()).isEqualTo(ova == plain);
                    if (m.get().name().equals("disk.raw")) {
                        assertThat(m.get().size()).isEqualTo(disk.length);
                        try (InputStream in = tar.stream()) {
                            assertThat(in.readAllBytes()).isEqualTo(disk);
                        }
                        if (ova == plain) {
                            byte[] inPlace = new byte[disk.length];
                            try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "r")) {
                                f.seek(m.get().dataOffset().getAsLong());
                                f.readFully(inPlace);
                            }
                            assertThat(inPlace).isEqualTo(disk);
                        }
                    }
                }
            }
            // "./disk.raw" is matched as "disk.raw"; the directory "d/" is passed over
            assertThat(names).containsExactly("vm.ovf", "disk.raw", "d/extra");
        }
    }

    @Test
    void aMemberCutShortIsAnErrorNotAnEarlyEnd() throws IOException {
        byte[] disk = new byte[2 << 20];
        new Random(3).nextBytes(disk);
        Path gz = HostileOvas.gzipped(tar(dir.resolve("cut.ova"), List.of("disk.raw"), List.of(disk)), dir);
        try (RandomAccessFile f = new RandomAccessFile(gz.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        try (OvaTarReader tar = OvaTarReader.open(gz)) {
            assertThat(tar.next()).hasValueSatisfying(m -> assertThat(m.name()).isEqualTo("disk.raw"));
            InputStream in = tar.stream();
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("member 'disk.raw'").hasMessageContaining("gzip -t " + gz);
        }
    }

    @Test
    void aGzipBombStopsWithAClearError() throws IOException {
        // a tar header declaring a 64 GiB member, then concatenated gzip members of nothing but zeros: ~1 MiB of
        // file that would inflate to 64 GiB; the walk stops past the floor, at the ratio
        Path bomb = dir.resolve("bomb.ova");
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(header, 512)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry("disk.raw");
            e.setSize(64L << 30);
            tar.putArchiveEntry(e);
            byte[] written = header.toByteArray();
            try (OutputStream out = Files.newOutputStream(bomb)) {
                out.write(gzip(written, written.length));
                byte[] zeros = gzip(new byte[1 << 20], 64); // 64 MiB of zeros in one gzip member
                for (int i = 0; i < 16; i++) {
                    out.write(zeros);
                }
            }
        } catch (IOException expected) {
            // the entry is never closed: the archive is cut short on purpose
        }
        assertThat(Files.size(bomb)).isLessThan(2 << 20);
        long started = System.nanoTime();
        assertThatThrownBy(() -> {
            try (OvaTarReader tar = OvaTarReader.open(bomb)) {
                while (tar.next().isPresent()) {
                    // walk: skipping the member inflates it
                }
            }
        }).isInstanceOfSatisfying(KvMigrateException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(e.getMessage()).contains("OVA " + bomb, "decompression bomb", "gunzip -c");
            assertThat(e.getCause()).isNull();
        });
        assertThat((System.nanoTime() - started) / 1_000_000_000).as("seconds").isLessThan(60);
    }

    @Test
    void oversizedExtensionHeadersAreRefusedBeforeTheyAreRead() throws IOException {
        // a PAX header claiming 300,000 bytes (commons-compress would read it whole), written by hand: the tar writer
        // shortens an oversized name one character at a time
        TarArchiveEntry pax = new TarArchiveEntry("PaxHeader/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
        int size = 300_000;
        pax.setSize(size);
        byte[] header = new byte[512];
        pax.writeEntryHeader(header);
        Path ova = dir.resolve("bloat.ova");
        try (OutputStream out = Files.newOutputStream(ova)) {
            out.write(header);
            out.write(new byte[size + 512 - size % 512 + 1024]);
        }
        assertThatThrownBy(() -> HostileOvas.policyAnswer(ova).ifPresent(m -> {
            throw KvMigrateException.invalidInput(m);
        })).hasMessageContaining("tar extension header").hasMessageContaining("limit " + OvaTarReader.MAX_EXTENSION_HEADER);
    }

    @Test
    void tooManyMembersAreRefused() throws IOException {
        List<String> names = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i <= OvaTarReader.MAX_MEMBERS; i++) {
            names.add("f" + i);
            bytes.add(new byte[0]);
        }
        Path ova = tar(dir.resolve("many.ova"), names, bytes);
        assertThat(HostileOvas.policyAnswer(ova)).hasValueSatisfying(
                m -> assertThat(m).contains("more than " + OvaTarReader.MAX_MEMBERS + " entries"));
    }

    @Test
    void requestedNamesFollowTheSamePolicy() {
        Path ova = dir.resolve("x.ova");
        assertThatThrownBy(() -> OvaMemberPolicy.requireSafeName(ova, "../x"))
                .hasMessage("OVA " + ova + ": member '../x' climbs out of the archive with '..'; OVA members are"
                        + " plain relative names such as 'vm-disk1.vmdk': re-export the OVA, or give the member's"
                        + " name as the archive lists it");
        assertThatThrownBy(() -> OvaMemberPolicy.requireSafeName(ova, "")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> OvaMemberPolicy.requireSafeName(ova, "a\0b")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> OvaMemberPolicy.requireSafeName(ova, "d:disk")).hasMessageContaining("is absolute");
        OvaMemberPolicy.requireSafeName(ova, "disks/..disk..1.vmdk");
        assertThat(OvaMemberPolicy.normalize("././d\\disk.vmdk")).isEqualTo("d/disk.vmdk");
    }

    @Test
    void notAFileIsRefusedNamingIt() {
        assertThatThrownBy(() -> OvaTarReader.open(dir.resolve("missing.ova")))
                .hasMessageContaining("missing.ova does not exist");
    }

    private static byte[] bytesOf(Path ova, String member) throws IOException {
        try (OvaTarReader tar = OvaTarReader.open(ova)) {
            for (Optional<OvaMember> m = tar.next(); m.isPresent(); m = tar.next()) {
                if (m.get().name().equals(OvaMemberPolicy.normalize(member))) {
                    try (InputStream in = tar.stream()) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        throw new AssertionError(member + " not in " + ova);
    }

    private static Path tar(Path ova, List<String> names, List<byte[]> contents) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(ova))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).startsWith("d/") && names.get(i).length() < 100) {
                    tar.putArchiveEntry(new TarArchiveEntry("d/"));
                    tar.closeArchiveEntry();
                }
                TarArchiveEntry e = new TarArchiveEntry(names.get(i), true);
                e.setSize(contents.get(i).length);
                tar.putArchiveEntry(e);
                tar.write(contents.get(i));
                tar.closeArchiveEntry();
            }
        }
        return ova;
    }

    /** One gzip member holding {@code times} copies of {@code block}, at the best compression. */
    private static byte[] gzip(byte[] block, int times) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipParameters p = new GzipParameters();
        p.setCompressionLevel(Deflater.BEST_COMPRESSION);
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, p)) {
            for (int i = 0; i < times; i++) {
                gz.write(block);
            }
        }
        return out.toByteArray();
    }
}
