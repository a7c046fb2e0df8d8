package dev.kvmigrate.plans.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.plans.run.StepState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    private static final String START = "2026-12-01T21:04:38.194239798Z";

    static RunReport report() {
        VmReport ok = new VmReport("cad-ws-01", "cad-ws-01", Outcome.SUCCEEDED,
                List.of(new StepReport("validate", StepState.SUCCEEDED, 0.1, Optional.empty()),
                        new StepReport("import-disk", StepState.SUCCEEDED, 12.5, Optional.of("sda → cad-ws-01-sda"))),
                List.of(new DiskReport("cad-ws-01-sda", 120L << 30, 41L << 30, Optional.of("xxh3-128:00ff"), 12.5,
                        Optional.of(StepState.SUCCEEDED), Optional.of("2026-12-01T21:04:39.5Z"),
                        Optional.of("2026-12-01T21:04:52Z"))),
                List.of(new GpuAssignment("vGPU nvidia-230 \"GRID T4-1Q\"", "nvidia.com/GRID_T4-1Q", 1)),
                Optional.empty(), Optional.of(START), Optional.of("2026-12-01T21:04:53Z"), Optional.of(1));
        VmReport bad = new VmReport("Legacy <DB>", "legacy-db", Outcome.FAILED,
                List.of(new StepReport("import-disk", StepState.FAILED, 1, Optional.of("upload refused: 400"))),
                List.of(DiskReport.notSent("legacy-db-hda", 8L << 30)),
                List.of(new GpuAssignment("PCI 10de:25b6", "nvidia.com/GA107GL_A2___A16", 2)),
                Optional.of("disk hda: upload refused & stopped"), Optional.of("2026-12-01T21:05:00Z"),
                Optional.of("2026-12-01T21:05:01Z"), Optional.of(2));
        VmReport skipped = new VmReport("idle-03", "idle-03", Outcome.SKIPPED, List.of(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        return new RunReport("gpu-fleet", "dir:out/", START, "2026-12-01T21:14:38.9Z", Outcome.FAILED,
                List.of(ok, bad, skipped),
                List.of(new ThroughputSample(0, 0), new ThroughputSample(5, 3e8), new ThroughputSample(10, 2e8)));
    }

    @Test
    void showsEveryVmTheGpuMappingAndOneSvgPerChart() {
        String html = HtmlReport.render(report());
        assertThat(html).contains("id=\"vm-cad-ws-01\"", "id=\"vm-legacy-db\"", "id=\"vm-idle-03\"",
                "nvidia.com/GRID_T4-1Q", "41 GiB", "upload refused &amp; stopped");
        assertThat(count(html, "<svg class=\"gantt\"")).isOne();
        assertThat(count(html, "<svg class=\"rate-chart\"")).isOne();
        assertThat(count(html, "<tbody class=\"vm\"")).isEqualTo(3);
        assertThat(html).contains("<polyline class=\"rate\"", "<rect class=\"disk\"", "wave 2");
    }

    @Test
    void tilesEqualTheReportTotals() {
        RunReport r = report();
        Map<String, String> tiles = tiles(HtmlReport.render(r));
        assertThat(tiles).containsEntry("vms", "3").containsEntry("sent", Long.toString(r.wireBytes()))
                .containsEntry("wall", "600.706")
                .containsEntry("mean-rate", Long.toString(Math.round(r.meanBytesPerSecond())))
                .containsEntry("peak-rate", "300000000")
                .containsEntry("outcome-SUCCEEDED", "1").containsEntry("outcome-FAILED", "1")
                .containsEntry("outcome-SKIPPED", "1").containsEntry("outcome-DRY_RUN", "0")
                .containsEntry("outcome-PENDING", "0")
                .containsEntry("gpu-nvidia.com/GRID_T4-1Q", "1")
                .containsEntry("gpu-nvidia.com/GA107GL_A2___A16", "0");
        assertThat(HtmlReport.render(r)).contains(">" + ByteSize.human(r.wireBytes()) + "<", ">10m 01s<",
                ">286.1 MiB/s<");
    }

    @Test
    void tilesOfASyntheticRunEqualItsTotals() {
        RunReport r = SyntheticRuns.generate(12, 5).report();
        Map<String, String> tiles = tiles(HtmlReport.render(r));
        assertThat(tiles).containsEntry("vms", "12").containsEntry("sent", Long.toString(r.wireBytes()))
                .containsEntry("outcome-SUCCEEDED", Long.toString(r.count(Outcome.SUCCEEDED)))
                .containsEntry("outcome-FAILED", Long.toString(r.count(Outcome.FAILED)));
        r.gpusCarried().forEach((resource, n) -> assertThat(tiles).containsEntry("gpu-" + resource, n.toString()));
    }

    @Test
    void escapesUntrustedTextEverywhere() {
        String evil = "<script>alert(1)</script>";
        VmReport vm = new VmReport(evil, "evil\" onmouseover=\"alert(2)", Outcome.FAILED,
                List.of(new StepReport("import-disks", StepState.FAILED, 1,
                        Optional.of("<img src=x onerror=alert(3)>"))),
                List.of(new DiskReport("d'<blink>", 1 << 20, 0, Optional.of("<marquee>"), 0,
                        Optional.of(StepState.FAILED), Optional.of(START), Optional.of("2026-12-01T21:04:40Z"))),
                List.of(new GpuAssignment("<u>gpu</u>", "nvidia.com/<x>", 1)),
                Optional.of("</td></tr><script>x()</script>"), Optional.of(START),
                Optional.of("2026-12-01T21:04:41Z"), Optional.empty());
        String html = HtmlReport.render(new RunReport("<plan>", "<target>", START, "2026-12-01T21:05:00Z",
                Outcome.FAILED, List.of(vm), List.of(new ThroughputSample(1, 5), new ThroughputSample(2, 7))));
        assertThat(count(html, "<script")).as("only the page's own script").isOne();
        assertThat(html).doesNotContain(evil, "<img", "<blink>", "<marquee>", "<u>", "<x>", "<plan>", "<target>",
                "\" onmouseover=\"").contains("&lt;script&gt;alert(1)&lt;/script&gt;",
                "evil&quot; onmouseover=&quot;alert(2)");
    }

    @Test
    void timesHaveSecondsAndAZoneAndDurationsAreReadable() {
        String html = HtmlReport.render(report());
        assertThat(html).contains("2026-12-01 21:04:38Z")
                .doesNotContainPattern("[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]");
        assertThat(HumanTime.instant(START)).isEqualTo("2026-12-01 21:04:38Z");
        assertThat(HumanTime.instant("2026-12-01T21:04:38.5+02:00")).isEqualTo("2026-12-01 19:04:38Z");
        assertThat(HumanTime.instant("not a time")).isEqualTo("not a time");
        assertThat(HumanTime.duration(4.24)).isEqualTo("4.2 s");
        assertThat(HumanTime.duration(0)).isEqualTo("0.0 s");
        assertThat(HumanTime.duration(59.96)).isEqualTo("1m 00s");
        assertThat(HumanTime.duration(125)).isEqualTo("2m 05s");
        assertThat(HumanTime.duration(3725)).isEqualTo("1h 02m 05s");
        assertThat(HumanTime.duration(26 * 3600 + 61)).isEqualTo("26h 01m 01s");
        assertThat(HumanTime.tick(5400)).isEqualTo("1h 30m");
    }

    @Test
    void allowsOnlyItsOwnScriptAndStyleAndFetchesNothing() {
        String html = HtmlReport.render(report());
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
                .doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("@import", "url(");
    }

    @Test
    void aRunWithoutTimesOrTransfersStillRenders() {
        RunReport dry = new RunReport("p", "dir:x", "2026-12-01T21:00:00Z", "2026-12-01T21:00:00Z", Outcome.DRY_RUN,
                List.of(new VmReport("a", "a", Outcome.DRY_RUN, List.of(), List.of(), List.of(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty())), List.of());
        assertThat(HtmlReport.render(dry)).contains("no timeline", "no throughput to chart", "id=\"vm-a\"")
                .doesNotContain("id=\"failures\"");
    }

    @Test
    void isWellFormedMarkupWithoutTheDoctypeAndScript() {
        String html = HtmlReport.render(report()).replaceFirst("<!DOCTYPE html>\n", "")
                .replaceAll("<(meta|input) ([^>]*)>", "<$1 $2/>").replaceAll("(?s)<script>.*</script>", "<script/>");
        assertThat(SafeXml.parse(html, "report.html").name()).isEqualTo("html");
    }

    /** The tiles' raw values: {@code vms}, {@code sent}, …, {@code outcome-FAILED}, {@code gpu-<resource>}. */
    static Map<String, String> tiles(String html) {
        Map<String, String> out = new HashMap<>();
        Matcher tile = Pattern.compile("data-tile=\"([a-z-]+)\"><h3>[^<]*</h3><p class=\"big\""
                + " data-value=\"([^\"]*)\"").matcher(html);
        while (tile.find()) {
            out.put(tile.group(1), tile.group(2));
        }
        Matcher outcome = Pattern.compile("data-outcome=\"([A-Z_]+)\" data-value=\"([0-9]+)\"").matcher(html);
        while (outcome.find()) {
            out.put("outcome-" + outcome.group(1), outcome.group(2));
        }
        Matcher gpu = Pattern.compile("data-resource=\"([^\"]+)\" data-value=\"([0-9]+)\"").matcher(html);
        while (gpu.find()) {
            out.put("gpu-" + gpu.group(1), gpu.group(2));
        }
        return out;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
