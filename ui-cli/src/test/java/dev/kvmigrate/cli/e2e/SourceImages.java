package dev.kvmigrate.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Real disk images for the end-to-end tests: sparse raw with data at scattered offsets, converted by qemu-img. */
final class SourceImages {
    private SourceImages() {}

    /** A sparse raw image of {@code size} bytes with random 64 KiB runs at scattered offsets. */
    static Path raw(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random r = new Random(seed);
        byte[] block = new byte[64 << 10];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < 12; i++) {
                r.nextBytes(block);
                long offset = Math.floorMod(r.nextLong(), size / block.length) * block.length;
                ch.write(ByteBuffer.wrap(block), offset);
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
        return file;
    }

    /** {@code qemu-img convert -O FORMAT} of {@code raw} (streamOptimized when FORMAT is vmdk). */
    static Path convert(Path raw, Path out, String format) throws Exception {
        Files.createDirectories(out.getParent());
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O", format));
        if (format.equals("vmdk")) {
            cmd.addAll(List.of("-o", "subformat=streamOptimized"));
        }
        cmd.addAll(List.of(raw.toString(), out.toString()));
        run(cmd);
        return out;
    }

    /** Whether two images hold the same guest-visible bytes. */
    static void assertIdentical(Path expected, Path actual, String what) throws Exception {
        Process p = new ProcessBuilder("qemu-img", "compare", expected.toString(), actual.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(what + ": qemu-img compare " + expected + " " + actual + ": " + output)
                .isZero();
    }

    /** A tar (OVA) of the given files, in order, named by their file names. */
    static Path tar(Path out, List<Path> members) throws IOException {
        try (OutputStream os = Files.newOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path m : members) {
                TarArchiveEntry e = new TarArchiveEntry(m.toFile(), m.getFileName().toString());
                tar.putArchiveEntry(e);
                Files.copy(m, tar);
                tar.closeArchiveEntry();
            }
        }
        return out;
    }

    /** {@code gzip -c} of a file. */
    static Path gzip(Path in, Path out) throws Exception {
        Process p = new ProcessBuilder("gzip", "-c", in.toString()).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + output).isZero();
    }

    /**
     * An OVF descriptor of one VM with a disk per {@code files} entry (href = file name; capacity in bytes).
     */
    static String ovf(String vm, List<Path> files, List<Long> capacities) {
        StringBuilder refs = new StringBuilder();
        StringBuilder disks = new StringBuilder();
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i).getFileName().toString();
            refs.append("    <File ovf:href=\"").append(name).append("\" ovf:id=\"file").append(i).append("\"/>\n");
            String format = name.endsWith(".vmdk")
                    ? "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"
                    : "http://en.wikipedia.org/wiki/Byte";
            disks.append("    <Disk ovf:capacity=\"").append(capacities.get(i))
                    .append("\" ovf:capacityAllocationUnits=\"byte\" ovf:diskId=\"vmdisk").append(i)
                    .append("\" ovf:fileRef=\"file").append(i).append("\" ovf:format=\"").append(format)
                    .append("\"/>\n");
            items.append("      <Item>\n        <rasd:AddressOnParent>").append(i).append("</rasd:AddressOnParent>\n")
                    .append("        <rasd:ElementName>Hard disk ").append(i + 1).append("</rasd:ElementName>\n")
                    .append("        <rasd:HostResource>ovf:/disk/vmdisk").append(i).append("</rasd:HostResource>\n")
                    .append("        <rasd:InstanceID>").append(10 + i).append("</rasd:InstanceID>\n")
                    .append("        <rasd:Parent>3</rasd:Parent>\n")
                    .append("        <rasd:ResourceType>17</rasd:ResourceType>\n      </Item>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\""
                + " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\""
                + " xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\""
                + " xmlns:vssd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData\">\n"
                + "  <References>\n" + refs + "  </References>\n"
                + "  <DiskSection>\n    <Info>disks</Info>\n" + disks + "  </DiskSection>\n"
                + "  <VirtualSystem ovf:id=\"" + vm + "\">\n    <Info>A VM</Info>\n    <Name>" + vm + "</Name>\n"
                + "    <VirtualHardwareSection>\n      <Info>hw</Info>\n"
                + "      <Item>\n        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>\n"
                + "        <rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>\n"
                + "        <rasd:InstanceID>1</rasd:InstanceID>\n        <rasd:ResourceType>3</rasd:ResourceType>\n"
                + "        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>\n      </Item>\n"
                + "      <Item>\n        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n"
                + "        <rasd:ElementName>2048MB of memory</rasd:ElementName>\n"
                + "        <rasd:InstanceID>2</rasd:InstanceID>\n        <rasd:ResourceType>4</rasd:ResourceType>\n"
                + "        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>\n      </Item>\n"
                + "      <Item>\n        <rasd:Address>0</rasd:Address>\n"
                + "        <rasd:ElementName>SCSI controller 0</rasd:ElementName>\n"
                + "        <rasd:InstanceID>3</rasd:InstanceID>\n"
                + "        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>\n"
                + "        <rasd:ResourceType>6</rasd:ResourceType>\n      </Item>\n"
                + items
                + "    </VirtualHardwareSection>\n  </VirtualSystem>\n</Envelope>\n";
    }
}
