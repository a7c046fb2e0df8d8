package dev.kvmigrate.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Probes images made by the real qemu-img and compares with what qemu-img says. */
class ImageProbeIT {
    @TempDir
    static Path dir;

    @BeforeAll
    static void needQemuImg() {
        assumeTrue(run(List.of("qemu-img", "--version")) == 0, "skipped: qemu-img (Debian qemu-utils) is not installed");
    }

    @ParameterizedTest
    @CsvSource({
        "qcow2, , QCOW2, 1073741824",
        "qcow2, compat=0.10, QCOW2, 5368709120",
        "vmdk, subformat=monolithicSparse, VMDK, 2147483648",
        "vmdk, subformat=streamOptimized, VMDK, 1073741824",
        "vhdx, , VHDX, 3221225472",
        "vpc, subformat=dynamic, VHD, 1073741824",
        "vpc, subformat=fixed, VHD, 67108864",
        "vdi, , VDI, 1073741824",
        "raw, , RAW, 10485760"
    })
    void virtualSizeMatchesQemuImg(String qemuFormat, String options, ImageFormat expected, long requested)
            throws Exception {
        Path image = dir.resolve(qemuFormat + "-" + (options == null ? "plain" : options.replace('=', '-')));
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", qemuFormat));
        if (options != null) {
            cmd.addAll(List.of("-o", options));
        }
        cmd.addAll(List.of(image.toString(), Long.toString(requested)));
        assertThat(run(cmd)).isZero();

        ImageInfo info = ImageProbe.probe(image);
        assertThat(info.format()).isEqualTo(expected);
        assertThat(info.compression()).isEqualTo(Compression.NONE);
        assertThat(info.virtualSize()).contains(qemuVirtualSize(image));
        assertThat(info.backingFile()).isEmpty();
    }

    @Test
    void qcow2BackingFileIsReported() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Path overlay = dir.resolve("overlay.qcow2");
        assertThat(run(List.of("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "1G"))).isZero();
        assertThat(run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base.toString(),
                overlay.toString()))).isZero();
        assertThat(ImageProbe.probe(overlay).backingFile()).contains(base.toString());
    }

    @Test
    void compressedStreamsAreRecognised() throws Exception {
        Path raw = dir.resolve("c.raw");
        Files.write(raw, new byte[1 << 16]);
        for (String[] c : new String[][] {{"gzip", "gz", "GZIP"}, {"xz", "xz", "XZ"}, {"zstd", "zst", "ZSTD"}}) {
            assumeTrue(run(List.of(c[0], "--version")) == 0, c[0] + " missing");
            assertThat(run(List.of(c[0], "-k", "-f", "-q", raw.toString()))).isZero();
            ImageInfo info = ImageProbe.probe(dir.resolve("c.raw." + c[1]));
            assertThat(info.compression()).isEqualTo(Compression.valueOf(c[2]));
            assertThat(info.virtualSize()).isEmpty();
        }
    }

    @Test
    void truncatedQcow2HeaderIsAClearError() throws Exception {
        Path bad = dir.resolve("trunc.qcow2");
        Files.write(bad, new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3});
        assertThatThrownBy(() -> ImageProbe.probe(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("qcow2 header truncated");
    }

    @Test
    void absurdQcow2SizeIsRefused() throws Exception {
        byte[] h = new byte[512];
        System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3}, 0, h, 0, 8);
        for (int i = 24; i < 32; i++) {
            h[i] = (byte) 0xff;
        }
        Path bad = dir.resolve("absurd.qcow2");
        Files.write(bad, h);
        assertThatThrownBy(() -> ImageProbe.probe(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("out of range");
    }

    private static long qemuVirtualSize(Path image) throws Exception {
        Process p = new ProcessBuilder("qemu-img", "info", "--output=json", image.toString()).start();
        String json = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(json);
        assertThat(m.find()).as("qemu-img info output: %s", json).isTrue();
        return Long.parseLong(m.group(1));
    }

    static int run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
