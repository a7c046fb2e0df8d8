package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.report.RunReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report page of a real run (one VM failed) in headless Chromium: it renders (a screenshot is drawn), the DOM
 * shows every VM and the GPU table, and the browser logs no console error. Skipped when Chromium is not
 * installed (Debian package {@code chromium}).
 */
class HtmlReportChromiumIT {
    @TempDir
    Path tmp;

    static Optional<String> chromium() {
        for (String c : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (Files.isExecutable(Path.of(dir, c))) {
                    return Optional.of(Path.of(dir, c).toString());
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void thePageRendersWithoutConsoleErrorsAndShowsEveryVm() throws Exception {
        Optional<String> browser = chromium();
        Assumptions.assumeTrue(browser.isPresent(), "chromium is not installed (apt-get install -y chromium);"
                + " the HTML report check is skipped");
        Path planFile = ExampleHost.copy(tmp);
        PlanConversion.Prepared p = ExampleHost.prepare(planFile);
        Path out = p.plan().targetDir();
        CopyingDisks disks = new CopyingDisks(DirectoryTarget.disksDir(out));
        disks.fail = dv -> dv.equals("web-03-vda");
        try (Journal j = Journal.open(p.plan().journal()); DirectoryTarget t = new DirectoryTarget(out, "gpu-host",
                disks)) {
            PlanRunner.run(p, t, Optional.empty(), j, new PlanRunner.Settings(false, Set.of(), Optional.empty()),
                    RunListener.NONE);
        }
        RunReport report = ReportBuilder.build(p, RunState.of(Journal.read(p.plan().journal())), "dir:" + out,
                Instant.now());
        Path html = ReportWriter.write(report, tmp.resolve("report"));

        Path shot = tmp.resolve("shot.png");
        Result dom = chromium(browser.get(), "--dump-dom", html.toUri().toString());
        Result png = chromium(browser.get(), "--screenshot=" + shot, "--window-size=1200,1600",
                html.toUri().toString());
        assertThat(dom.code).as(dom.err).isZero();
        assertThat(png.code).as(png.err).isZero();
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(10_000);
        for (String vm : List.of("designer-ws-01", "inference-02", "web-03")) {
            assertThat(dom.out).contains("id=\"vm-" + vm + "\"");
        }
        assertThat(dom.out).contains("nvidia.com/GRID_T4-2Q", "nvidia.com/GA107GL_A2___A16", "injected failure");
        for (String line : (dom.err + png.err).split("\n")) {
            assertThat(line).as("console").doesNotContain(":CONSOLE").doesNotContain("Uncaught")
                    .doesNotContain("Failed to load resource");
        }
    }

    private record Result(int code, String out, String err) {}

    private Result chromium(String exe, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(args));
        Path o = Files.createTempFile(tmp, "out", ".txt");
        Path e = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return new Result(p.exitValue(), Files.readString(o, StandardCharsets.UTF_8),
                Files.readString(e, StandardCharsets.UTF_8));
    }
}
