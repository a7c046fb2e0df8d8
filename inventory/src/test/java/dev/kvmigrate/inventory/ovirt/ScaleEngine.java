package dev.kvmigrate.inventory.ovirt;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A fake engine with the GPU fixture's clusters, hosts and networks and {@code n} generated VMs. */
final class ScaleEngine {
    private ScaleEngine() {}

    static FakeEngine withVms(int n) {
        Path dir = OvirtSourceIT.GPU_ENGINE;
        FakeEngine e = new FakeEngine();
        for (String c : List.of("clusters", "hosts", "networks", "vnicprofiles", "storagedomains")) {
            e.collection(c, RecordedEngines.read(dir.resolve(c + ".xml")));
        }
        e.hostsWithDevices(RecordedEngines.read(dir.resolve("hosts-devices.xml")));
        for (int i = 0; i < n; i++) {
            String id = String.format("00000000-0000-0000-0000-%012d", i);
            String open = "<vm href=\"/ovirt-engine/api/vms/" + id + "\" id=\"" + id + "\">"
                    + "<name>vm-" + String.format("%04d", i) + "</name>"
                    + "<bios><type>cluster_default</type></bios>"
                    + "<cpu><architecture>x86_64</architecture><topology><cores>2</cores><sockets>1</sockets>"
                    + "<threads>1</threads></topology></cpu><memory>4294967296</memory>"
                    + "<custom_properties><custom_property><name>mdev_type</name><value>nvidia-230</value>"
                    + "</custom_property></custom_properties>"
                    + "<cluster id=\"c-gpu\"/><host id=\"h-t4\"/><status>down</status>";
            String disks = "<disk_attachments><disk_attachment id=\"da-" + i + "\"><bootable>true</bootable>"
                    + "<interface>virtio</interface><disk id=\"disk-" + i + "\"><alias>vm-" + i + "-root</alias>"
                    + "<format>cow</format><provisioned_size>10737418240</provisioned_size><actual_size>1048576"
                    + "</actual_size><status>ok</status><storage_type>image</storage_type><storage_domains>"
                    + "<storage_domain id=\"sd-1\"/></storage_domains></disk></disk_attachment></disk_attachments>";
            String nics = "<nics><nic id=\"nic-" + i + "\"><name>nic1</name><interface>virtio</interface><mac><address>"
                    + String.format("56:6f:00:00:%02x:%02x", i / 256, i % 256) + "</address></mac><plugged>true"
                    + "</plugged><vnic_profile id=\"p-mgmt\"/></nic></nics>";
            e.vm(open, Map.of("disk_attachments", disks, "nics", nics));
        }
        return e;
    }
}
