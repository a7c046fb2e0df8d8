package dev.kvmigrate.inventory.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeXmlTest {
    @Test
    void navigatesByLocalNameIgnoringNamespaces() {
        XmlNode d = SafeXml.parse("""
                <domain xmlns:test='http://libvirt.org/schemas/domain/test/1.0' type='kvm'>
                  <name> vm1 </name><os><type arch='x86_64'>hvm</type></os>
                  <devices><disk/><disk device='cdrom'/></devices>
                  <test:runstate>5</test:runstate>
                </domain>""", "d.xml");
        assertThat(d.name()).isEqualTo("domain");
        assertThat(d.text("name")).contains("vm1");
        assertThat(d.attr("os/type", "arch")).contains("x86_64");
        assertThat(d.all("devices/disk")).hasSize(2);
        assertThat(d.all("devices/disk").get(1).attr("device")).contains("cdrom");
        assertThat(d.text("runstate")).contains("5");
        assertThat(d.at("os/type").orElseThrow().path()).isEqualTo("domain/os/type");
        assertThat(d.attr("missing")).isEmpty();
    }

    @Test
    void externalEntityIsRefused(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "TOPSECRET");
        String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM '" + secret.toUri() + "'>]><d>&x;</d>";
        assertThatThrownBy(() -> SafeXml.parse(xxe, "evil.xml"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("evil.xml")
                .hasMessageContaining("DOCTYPE")
                .hasMessageNotContaining("TOPSECRET");
    }

    @Test
    void billionLaughsIsRefused() {
        String bomb = "<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;'>"
                + "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;'>]><l>&c;</l>";
        assertThatThrownBy(() -> SafeXml.parse(bomb, "bomb.xml")).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("DOCTYPE");
    }

    @Test
    void malformedNamesFileLineAndColumn() {
        assertThatThrownBy(() -> SafeXml.parse("<a>\n<b></a>", "bad.xml"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageStartingWith("bad.xml:2:")
                .satisfies(e -> assertThat(((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    }

    @Test
    void oversizedDocumentIsRefused() {
        byte[] big = ("<a>" + "x".repeat(10_000) + "</a>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SafeXml.parse(new ByteArrayInputStream(big), "big.xml", 1000))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("1000-byte limit");
    }
}
