package dev.kvmigrate.cli;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.common.ova.HostileOvas;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table of {@code ../shared/fixtures/hostile/README.md}, through the command line a user types: every file and
 * folder there is handed to the command that reads it ({@code import} for images and OVA members,
 * {@code inventory scan} for OVAs and dump folders, {@code validate} for manifests) and must get the README's answer
 * — the exit code, the words that name the object and the fix — and never an internal error, a stack trace, a Java
 * class name or a byte of {@code /etc/passwd} in any output. The table runs twice: in this JVM (qemu-img on the PATH
 * when the machine has it) and in a child JVM whose PATH has no qemu-img, where the same answers are due.
 */
class HostileFixturesIT {
    private static final ObjectMapper JSON = Mappers.json();
    private static final String INTACT = "only intact, self-contained images are imported";
    private static final String DEEP = "elements nest deeper than 256 levels";

    @TempDir
    static Path tmp;

    /**
     * One row: the fixture it covers (a name in the hostile folder), the command line, the exit code due and the
     * words the output (stdout and stderr together) must hold; {@code writes}, for a success, the file it makes.
     */
    record Case(String id, String fixture, List<String> args, ExitCode exit, List<String> says,
            Optional<Path> writes) {
        Case {
            args = List.copyOf(args);
            says = List.copyOf(says);
        }

        static Case of(String id, String fixture, ExitCode exit, List<String> says, String... args) {
            return new Case(id, fixture, List.of(args), exit, says, Optional.empty());
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** What one row got: the exit code and the text the CLI printed. */
    record Got(int code, String out, String err) {
        String all() {
            return out + "\n" + err;
        }
    }

    /** The table for the fixtures in {@code hostile}, writing under {@code out}. */
    static List<Case> cases(Path hostile, Path out) throws IOException {
        List<Case> cases = new ArrayList<>();
        // images: refused by our own header check before any converter runs, naming the image and the reason
        for (String image : names(hostile, n -> n.endsWith(".qcow2") || n.endsWith(".vmdk"))) {
            String target = "dir:" + out.resolve("import-" + image);
            if (image.equals("good.qcow2")) {
                cases.add(new Case("import " + image, image, List.of("import", hostile.resolve(image).toString(),
                        "--to", target), ExitCode.OK, List.of("imported"),
                        Optional.of(out.resolve("import-" + image).resolve("good.img"))));
                continue;
            }
            cases.add(Case.of("import " + image, image, ExitCode.INVALID_INPUT,
                    List.of(hostile.resolve(image).toString(), imageReason(image)),
                    "import", hostile.resolve(image).toString(), "--to", target));
        }
        // OVAs whose disk member is such an image: the scan reads the descriptor, the import refuses the member
        for (String ova : names(hostile, n -> n.startsWith("evil-") && n.endsWith(".ova"))) {
            String member = ova.equals("evil-datafile.ova") ? "disk1.qcow2" : "disk1.vmdk";
            cases.add(Case.of("import " + ova, ova, ExitCode.INVALID_INPUT, List.of(ova + "#" + member,
                    ova.equals("evil-datafile.ova") ? "external data file" : "extents in other files"),
                    "import", "ova:" + hostile.resolve(ova) + "#" + member, "--to",
                    "dir:" + out.resolve("import-" + ova)));
        }
        // OVAs with crafted members: the scan and the import of the deciding member give the one policy answer
        for (HostileOvas.Row row : HostileOvas.ROWS) {
            Path ova = hostile.resolve(row.file());
            if (row.answer() == HostileOvas.Answer.REFUSED) {
                List<String> says = List.of(row.refusalStart(ova));
                cases.add(Case.of("scan " + row.file(), row.file(), ExitCode.INVALID_INPUT, says,
                        "inventory", "scan", "--ova", ova.toString(), "-o", "json"));
                cases.add(Case.of("import " + row.file(), row.file(), ExitCode.INVALID_INPUT, says,
                        "import", "ova:" + ova + "#" + row.member(), "--to", "dir:" + out.resolve("import-"
                                + row.file())));
            } else {
                // longname.ova: a 5,000-character PAX name read whole; symdisk.ova: despite its name it holds no
                // link (sym.ova without its link member), so it is an ordinary OVA and is read
                cases.add(Case.of("scan " + row.file(), row.file(), ExitCode.OK, List.of("\"disk1.vmdk\""),
                        "inventory", "scan", "--ova", ova.toString(), "-o", "json"));
            }
        }
        Path dotdot = hostile.resolve("dotdot.ova");
        cases.add(Case.of("import ova:dotdot.ova#../x", "dotdot.ova", ExitCode.INVALID_INPUT,
                List.of("member '../x' climbs out of the archive"),
                "import", "ova:" + dotdot + "#../x", "--to", "dir:" + out.resolve("import-climb")));
        // depth bound: one file's failure stays that file's, the rest of the scan is kept
        cases.add(Case.of("scan deep.ova", "deep.ova", ExitCode.INVALID_INPUT, List.of("deep.ova", DEEP),
                "inventory", "scan", "--ova", hostile.resolve("deep.ova").toString(), "-o", "json"));
        Path dumps = Files.createDirectories(out.resolve("deep-and-good"));
        Files.copy(hostile.resolve("deep-xml/web-03.xml"), dumps.resolve("web-03.xml"), REPLACE_EXISTING);
        Files.writeString(dumps.resolve("good-01.xml"), "<domain type='kvm'><name>good-01</name>"
                + "<memory>1048576</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os>"
                + "</domain>");
        cases.add(Case.of("scan deep-xml/ beside a good dump", "deep-xml", ExitCode.OK,
                List.of("\"good-01\"", "warning: " + dumps.resolve("web-03.xml"), DEEP),
                "inventory", "scan", "--xml-dir", dumps.toString(), "-o", "json"));
        cases.add(Case.of("scan alloc-units.ova", "alloc-units.ova", ExitCode.INVALID_INPUT,
                List.of("alloc-units.ova", "allocation units 'byte * 2^2147483648' are beyond any real size"),
                "inventory", "scan", "--ova", hostile.resolve("alloc-units.ova").toString(), "-o", "json"));
        // manifests: the folder as written validates; with the VM's interfaces made a map, that is a finding
        Path schemas = SharedDir.require("schemas");
        Path npe = hostile.resolve("validate-npe");
        cases.add(Case.of("validate validate-npe/", "validate-npe", ExitCode.OK, List.of("7 objects, 0 findings"),
                "validate", npe.toString(), "--schema", schemas.toString()));
        Path mapped = Files.createDirectories(out.resolve("validate-npe-map"));
        try (Stream<Path> files = Files.list(npe)) {
            for (Path f : files.toList()) {
                Files.copy(f, mapped.resolve(f.getFileName()), REPLACE_EXISTING);
            }
        }
        Path vm = mapped.resolve("virtualmachine-web-03.yaml");
        Files.writeString(vm, Files.readString(vm).replace("          interfaces:\n          - name: nic0\n",
                "          interfaces:\n            name: nic0\n"));
        cases.add(Case.of("validate validate-npe/ with interfaces as a map", "validate-npe", ExitCode.FINDINGS,
                List.of("VirtualMachine/web-03", "interfaces must be a list, not a map"),
                "validate", mapped.toString(), "--schema", schemas.toString()));
        return cases;
    }

    private static String imageReason(String image) {
        if (image.startsWith("backing")) {
            return "header names a backing file";
        }
        if (image.startsWith("datafile")) {
            return "its qcow2 header names an external data file";
        }
        if (image.startsWith("flat-")) {
            return "its VMDK descriptor names extents in other files";
        }
        return INTACT;
    }

    private static Set<String> names(Path dir, java.util.function.Predicate<String> keep) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(keep)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static Got run(Case c) {
        CliRun r = CliRun.run(c.args().toArray(String[]::new));
        return new Got(r.code(), r.out(), r.err());
    }

    static void check(Case c, Got got, Path out) throws IOException {
        assertThat(got.code()).as("%s: exit code; output:%n%s", c, got.all()).isEqualTo(c.exit().code());
        assertThat(got.all()).as(c.id()).contains(c.says())
                .doesNotContain("Exception", "\tat ", "java.", "dev.kvmigrate.", "StackOverflow");
        if (c.writes().isPresent()) {
            assertThat(c.writes().get()).as(c.id()).isRegularFile();
        } else if (c.exit() == ExitCode.INVALID_INPUT && c.args().get(0).equals("import")) {
            Path target = Path.of(c.args().get(c.args().size() - 1).substring("dir:".length()));
            try (Stream<Path> left = Files.exists(target) ? Files.list(target) : Stream.empty()) {
                assertThat(left).as("%s leaves nothing in %s", c, target).isEmpty();
            }
        }
        assertNothingOfPasswd(got.all(), c.id());
    }

    static void assertNothingOfPasswd(String text, String what) throws IOException {
        Path passwd = Path.of("/etc/passwd");
        if (Files.isReadable(passwd)) {
            assertThat(text).as(what).doesNotContain(Files.readAllLines(passwd).get(0));
        }
    }

    static void assertNoFileHoldsPasswd(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertNothingOfPasswd(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1), f.toString());
            }
        }
    }

    static Path hostile;

    @BeforeAll
    static void fixtures() throws IOException {
        // the real path: the importer names a local image by it (../shared may be a link)
        hostile = SharedDir.require("fixtures/hostile").toRealPath();
    }

    @Test
    void everyFixtureInTheFolderHasARow() throws IOException {
        Set<String> covered = cases(hostile, Files.createDirectories(tmp.resolve("cover"))).stream()
                .map(Case::fixture).collect(Collectors.toSet());
        assertThat(names(hostile, n -> !n.equals("README.md"))).allSatisfy(n ->
                assertThat(covered).as("a row for %s (a new fixture needs its answer in this table)", n).contains(n));
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureGetsItsAnswerInThisJvm() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("in-process"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases(hostile, out)) {
            tests.add(DynamicTest.dynamicTest(c.id(), () -> check(c, run(c), out)));
        }
        tests.add(DynamicTest.dynamicTest("no output file holds /etc/passwd", () -> assertNoFileHoldsPasswd(out)));
        return tests.stream();
    }

    @Test
    void everyFixtureGetsTheSameAnswerInAJvmWithoutQemuImgOnItsPath() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("without-qemu-img"));
        Path emptyBin = Files.createDirectories(tmp.resolve("bin-without-qemu-img"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), WithoutQemuImg.class.getName(),
                hostile.toString(), out.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("PATH", emptyBin.toString());
        Process p = pb.start();
        String lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(lines).isZero();
        Map<String, Got> got = new LinkedHashMap<>();
        boolean qemuImg = true;
        for (String line : lines.lines().toList()) {
            JsonNode n = JSON.readTree(line);
            if (n.has("qemuImg")) {
                qemuImg = n.get("qemuImg").asBoolean();
            } else {
                got.put(n.get("id").asText(), new Got(n.get("code").asInt(), n.get("out").asText(),
                        n.get("err").asText()));
            }
        }
        assertThat(qemuImg).as("the child JVM must not find qemu-img").isFalse();
        List<Case> cases = cases(hostile, out);
        assertThat(got.keySet()).containsExactlyElementsOf(cases.stream().map(Case::id).toList());
        for (Case c : cases) {
            check(c, got.get(c.id()), out);
        }
        assertNoFileHoldsPasswd(out);
    }

    /** The child: runs the table through the CLI and prints one JSON line per row. */
    public static final class WithoutQemuImg {
        public static void main(String[] args) throws Exception {
            Path hostile = Path.of(args[0]);
            Path out = Path.of(args[1]);
            List<String> lines = new ArrayList<>();
            lines.add(JSON.writeValueAsString(Map.of("qemuImg", DirectorySink.qemuImgInstalled())));
            for (Case c : cases(hostile, out)) {
                Got g = run(c);
                lines.add(JSON.writeValueAsString(Map.of("id", c.id(), "code", g.code(), "out", g.out(),
                        "err", g.err())));
            }
            System.out.println(String.join("\n", lines));
        }
    }
}
