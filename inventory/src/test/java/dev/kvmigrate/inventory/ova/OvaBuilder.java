package dev.kvmigrate.inventory.ova;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes test OVAs with commons-compress: files, text members, links; plain or gzip-wrapped. */
final class OvaBuilder {
    private record Member(String name, Path file, byte[] bytes, byte linkType, String linkTarget) {}

    private final List<Member> members = new ArrayList<>();

    OvaBuilder text(String name, String content) {
        members.add(new Member(name, null, content.getBytes(StandardCharsets.UTF_8), (byte) 0, null));
        return this;
    }

    OvaBuilder file(String name, Path file) {
        members.add(new Member(name, file, null, (byte) 0, null));
        return this;
    }

    OvaBuilder symlink(String name, String target) {
        members.add(new Member(name, null, null, TarConstants.LF_SYMLINK, target));
        return this;
    }

    OvaBuilder hardlink(String name, String target) {
        members.add(new Member(name, null, null, TarConstants.LF_LINK, target));
        return this;
    }

    Path write(Path ova, boolean gzip) throws IOException {
        try (OutputStream file = Files.newOutputStream(ova);
                OutputStream out = gzip ? new GzipCompressorOutputStream(file) : file;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Member m : members) {
                if (m.linkType() != 0) {
                    TarArchiveEntry e = new TarArchiveEntry(m.name(), m.linkType());
                    e.setLinkName(m.linkTarget());
                    tar.putArchiveEntry(e);
                } else if (m.file() != null) {
                    TarArchiveEntry e = new TarArchiveEntry(m.name(), true);
                    e.setSize(Files.size(m.file()));
                    tar.putArchiveEntry(e);
                    Files.copy(m.file(), tar);
                } else {
                    TarArchiveEntry e = new TarArchiveEntry(m.name(), true);
                    e.setSize(m.bytes().length);
                    tar.putArchiveEntry(e);
                    tar.write(m.bytes());
                }
                tar.closeArchiveEntry();
            }
        }
        return ova;
    }

    /** A VMware-style OVF listing the given disk files with their capacities in bytes. */
    static String vmwareOvf(String vmName, List<String> files, List<Long> capacities, String firmware) {
        StringBuilder refs = new StringBuilder();
        StringBuilder disks = new StringBuilder();
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            refs.append("<File ovf:href=\"").append(files.get(i)).append("\" ovf:id=\"file").append(i).append("\"/>");
            disks.append("<Disk ovf:capacity=\"").append(capacities.get(i) >> 20)
                    .append("\" ovf:capacityAllocationUnits=\"byte * 2^20\" ovf:diskId=\"vmdisk").append(i)
                    .append("\" ovf:fileRef=\"file").append(i).append("\"/>");
            items.append("<Item><rasd:AddressOnParent>").append(i).append("</rasd:AddressOnParent><rasd:ElementName>Hard Disk ")
                    .append(i + 1).append("</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk").append(i)
                    .append("</rasd:HostResource><rasd:InstanceID>").append(10 + i)
                    .append("</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\""
                + " xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\""
                + " xmlns:vmw=\"http://www.vmware.com/schema/ovf\">"
                + "<References>" + refs + "</References><DiskSection><Info>disks</Info>" + disks + "</DiskSection>"
                + "<VirtualSystem ovf:id=\"" + vmName + "\"><Info>vm</Info><Name>" + vmName + "</Name>"
                + "<VirtualHardwareSection><Info>hw</Info>"
                + "<Item><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType>"
                + "<rasd:VirtualQuantity>4</rasd:VirtualQuantity><vmw:CoresPerSocket ovf:required=\"false\">2</vmw:CoresPerSocket></Item>"
                + "<Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:InstanceID>2</rasd:InstanceID>"
                + "<rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>4096</rasd:VirtualQuantity></Item>"
                + "<Item><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>"
                + "<rasd:ResourceType>6</rasd:ResourceType></Item>"
                + items
                + "<Item><rasd:Address>00:50:56:aa:bb:cc</rasd:Address><rasd:Connection>VM Network</rasd:Connection>"
                + "<rasd:InstanceID>30</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>"
                + "<rasd:ResourceType>10</rasd:ResourceType></Item>"
                + "<vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"" + firmware + "\"/>"
                + "</VirtualHardwareSection></VirtualSystem></Envelope>\n";
    }
}
