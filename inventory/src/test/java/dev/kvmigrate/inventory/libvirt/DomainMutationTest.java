package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Robustness invariant: whatever single value of a real domain is replaced by an odd one (negative, huge, empty,
 * not a number, unicode, markup-looking), parsing either yields a VM (with concerns) or an INVALID_INPUT error
 * naming the file — never another exception. Seeded, so a failure reproduces.
 */
class DomainMutationTest {
    private static final String[] ODD = {"", "-1", "0", "-99999999999", "99999999999999999999999", "1e9", "0x",
        "NaN", "yes", "no", "on", "  ", "🙂", "&amp;", "GiB", "0xzz", "2147483648", "-0", "1.5", "ünïcødé", "x:y:z.w"};
    private static final Pattern ATTR = Pattern.compile("='([^']*)'|=\"([^\"]*)\"");
    private static final Pattern TEXT = Pattern.compile(">([^<>]+)<");
    private static final NodeDevices DEVICES = devices();

    private static NodeDevices devices() {
        try (Stream<Path> s = Files.list(Path.of("..", "examples", "gpu-host", "nodedev"))) {
            return NodeDevices.of(s.sorted().map(SafeXml::parse).collect(Collectors.toList()));
        } catch (IOException e) {
            throw new IllegalStateException("examples/gpu-host/nodedev unreadable: " + e.getMessage(), e);
        }
    }

    private static List<String> domains() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("..", "examples", "gpu-host"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".xml")).sorted().collect(Collectors.toList())) {
                out.add(Files.readString(p));
            }
        }
        return out;
    }

    @Test
    void everySingleOddValueGivesAVmOrANamedInvalidInputError() throws IOException {
        List<String> domains = domains();
        assertThat(domains).hasSizeGreaterThanOrEqualTo(3);
        Random random = new Random(20260115L);
        int vms = 0;
        int invalid = 0;
        for (int i = 0; i < 3000; i++) {
            String xml = domains.get(random.nextInt(domains.size()));
            String mutated = mutate(xml, random);
            try {
                Vm vm = DomainParser.parse(SafeXml.parse(mutated, "m" + i + ".xml"), DEVICES, "m" + i + ".xml");
                ModelRules.check(vm);
                vms++;
            } catch (KvMigrateException e) {
                assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                assertThat(e.getMessage()).contains("m" + i + ".xml");
                invalid++;
            } catch (RuntimeException e) {
                fail("mutation #" + i + " threw " + e + " on:\n" + mutated, e);
            }
        }
        System.out.printf("domain mutations: %d parsed, %d invalid input%n", vms, invalid);
        assertThat(vms).isGreaterThan(invalid);
    }

    private static String mutate(String xml, Random random) {
        Pattern p = random.nextBoolean() ? ATTR : TEXT;
        List<int[]> spans = new ArrayList<>();
        Matcher m = p.matcher(xml);
        while (m.find()) {
            int g = m.group(1) != null ? 1 : 2;
            spans.add(new int[] {m.start(g), m.end(g)});
        }
        int[] span = spans.get(random.nextInt(spans.size()));
        String odd = ODD[random.nextInt(ODD.length)];
        String escaped = odd.replace("&amp;", "&amp;amp;");
        return xml.substring(0, span[0]) + escaped + xml.substring(span[1]);
    }
}
