package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LibvirtLocalFileTest {
    @ParameterizedTest
    @CsvSource({
        "qemu:///system, true",
        "qemu:///session, true",
        "QEMU:///system, true",
        "qemu+unix:///system, true",
        "'qemu+unix:///system?socket=/run/libvirt/libvirt-sock', true",
        "qemu+ssh://root@127.0.0.1:2222/system, false",
        "qemu+tcp://host/system, false",
        "qemu://host/system, false",
        "qemu+tls://host.example/system, false",
        "test:///default, false",
        "'test:///tmp/node.xml', false",
        "xen:///system, false",
        "'not a uri', false"
    })
    void onlyAUriWithNoHostAndALocalTransportIsLocal(String uri, boolean local) {
        assertThat(LibvirtLocalFile.isLocal(uri)).as(uri).isEqualTo(local);
    }
}
