package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every domain XML of the shared corpus (real files from libvirt, virt-manager, virt-v2v, vagrant-libvirt,
 * KubeVirt, Forklift) scans through the XML-dump source without an uncaught exception.
 */
class LibvirtCorpusTest {

    private static String reason(String problem) {
        if (problem.contains("has no <name>")) {
            return "no <name>";
        }
        if (problem.contains("<memory> is missing") || problem.contains("<memory> is empty")) {
            return "<memory> missing or empty";
        }
        return problem;
    }

    @Test
    void corpusScansWithoutUncaughtExceptions() throws IOException {
        Path corpus = SharedDir.require("fixtures/libvirt/domains");
        long xmlFiles;
        try (Stream<Path> s = Files.walk(corpus)) {
            xmlFiles = s.filter(p -> p.toString().endsWith(".xml")).count();
        }
        Inventory inv;
        XmlDumpSource source = XmlDumpSource.open(corpus);
        inv = source.scan(VmSelector.ALL);
        int parsed = inv.vms().size();
        int skipped = source.skippedFiles().size();
        int failed = source.problems().size();
        System.out.printf("libvirt corpus: %d .xml files: %d VMs parsed, %d skipped (not a domain), %d failed%n",
                xmlFiles, parsed, skipped, failed);
        source.skippedFiles().forEach(p -> System.out.println("  skipped " + corpus.relativize(p)));
        source.problems().forEach(p -> System.out.println("  failed  " + p));
        long partial = inv.vms().stream().filter(vm -> vm.concerns().stream()
                .anyMatch(c -> c.code().equals("SOURCE_PARSE_PARTIAL"))).count();
        System.out.printf("  %d VM(s) with SOURCE_PARSE_PARTIAL%n", partial);
        Map<String, Long> reasons = source.problems().stream().collect(Collectors.groupingBy(
                LibvirtCorpusTest::reason, TreeMap::new, Collectors.counting()));
        System.out.println("  failures by reason: " + reasons);
        assertThat(xmlFiles).isGreaterThan(300);
        assertThat(parsed + skipped + failed).isGreaterThanOrEqualTo((int) xmlFiles);
        assertThat(parsed).isGreaterThanOrEqualTo((int) (xmlFiles * 0.8));
        // The corpus holds templates and fragments (vagrant-libvirt ERB output with empty fields, KubeVirt
        // test domains without a name): libvirt itself rejects a domain without a name or memory, so those are
        // the only acceptable failures. Any other reason is a parser bug to fix.
        assertThat(reasons.keySet()).isSubsetOf("no <name>", "<memory> missing or empty");
    }
}
