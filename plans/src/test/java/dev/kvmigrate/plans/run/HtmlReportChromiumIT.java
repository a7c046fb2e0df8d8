package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.report.RunReport;
import dev.kvmigrate.plans.report.SyntheticRuns;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The report page in headless Chromium, driven through chromedriver (WebDriver): the example run (3 VMs, one fails)
 * and a synthetic 1,000-VM run, both built by {@link ReportBuilder} from their journals and written by
 * {@link ReportWriter}. On the live DOM: the tiles equal the journal's totals, the table has one entry per VM,
 * clicking a header sorts it, the filters hide rows, a failed VM's cause is one click away, and the browser logs no
 * error (no script error, no Content-Security-Policy violation, nothing fetched). A screenshot and the page of each
 * run are kept in {@code target/chromium-it/}.
 *
 * <p>Skipped when Chromium or chromedriver is not installed (Debian packages {@code chromium}, {@code
 * chromium-driver}). Selenium talks to chromedriver; it brings no Jackson or OkHttp of its own (its JSON and HTTP
 * client are its own and the JDK's), so it cannot clash with the versions the product pins.
 */
class HtmlReportChromiumIT {
    private static final Path OUT = Path.of("target", "chromium-it");
    /** Selenium warns that it has no DevTools binding for this Chromium; the test uses none. */
    private static final Logger DEVTOOLS = Logger.getLogger("org.openqa.selenium.devtools");
    /** Columns of the VM table, 0-based. */
    private static final int SENT = 7;
    private static final int NAME = 0;

    @TempDir
    Path tmp;
    private ChromeDriver browser;

    private static Optional<Path> onPath(String... names) {
        for (String c : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, c))) {
                    return Optional.of(Path.of(dir, c));
                }
            }
        }
        return Optional.empty();
    }

    @BeforeEach
    void startBrowser() {
        DEVTOOLS.setLevel(Level.SEVERE);
        Optional<Path> chromium = onPath("chromium", "chromium-browser", "google-chrome");
        Optional<Path> driver = onPath("chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(), "the HTML report check needs chromium"
                + " and chromedriver (apt-get install -y chromium chromium-driver); skipped");
        ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--window-size=1280,2000",
                "--user-data-dir=" + tmp.resolve("profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60)).pageLoadTimeout(Duration.ofSeconds(90));
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theExampleRunsReport() throws Exception {
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
        List<JournalEntry> journal = Journal.read(p.plan().journal());
        Instant finished = Instant.now();
        RunReport report = ReportBuilder.build(p, RunState.of(journal), "dir:" + out, finished);
        open(report, "report-3-vms");

        assertTilesEqual(Totals.of(p, journal, finished));
        assertThat(vmIds()).containsExactly("vm-designer-ws-01", "vm-inference-02", "vm-web-03");
        assertThat(browser.findElement(By.id("gpus")).getText()).contains("nvidia.com/GRID_T4-2Q",
                "nvidia.com/GA107GL_A2___A16");
        assertSortsAndFilters(1);
        browser.findElement(By.cssSelector("#vm-web-03 a.badge.failed")).click();
        assertThat(browser.findElement(By.cssSelector(":target")).getAttribute("id")).isEqualTo("fail-web-03");
        assertThat(browser.findElement(By.id("fail-web-03")).getText()).contains("injected failure");
        assertNoConsoleErrors();
    }

    @Test
    void aThousandVmRunsReport() throws Exception {
        SyntheticRuns.Run run = SyntheticRuns.generate(1000, 42);
        RunReport report = ReportBuilder.build(run.prepared(), RunState.of(run.journal()), SyntheticRuns.TARGET,
                run.finishedAt());
        long loadMillis = open(report, "report-1000-vms");

        Totals totals = Totals.of(run.prepared(), run.journal(), run.finishedAt());
        assertTilesEqual(totals);
        assertThat(vmIds()).hasSize(1000).doesNotHaveDuplicates();
        assertThat(browser.findElements(By.cssSelector("svg.gantt g.row"))).hasSize(1000);
        long sortMillis = assertSortsAndFilters(totals.outcomes().get("FAILED"));
        WebElement failed = browser.findElement(By.cssSelector("#vm-table a.badge.failed"));
        String anchor = failed.getAttribute("href").replaceFirst(".*#", "");
        failed.click();
        assertThat(browser.findElement(By.cssSelector(":target")).getAttribute("id")).isEqualTo(anchor);
        assertThat(browser.findElement(By.id(anchor)).getText()).contains("kv-migrate plan run --resume");
        assertNoConsoleErrors();
        System.out.printf("1,000-VM report in Chromium: page loaded in %d ms, a sort took %d ms%n", loadMillis,
                sortMillis);
    }

    /** Writes the report as a run does, opens it, keeps the page and a screenshot; returns the load time. */
    private long open(RunReport report, String name) throws Exception {
        Path html = ReportWriter.write(report, tmp.resolve(name));
        long t0 = System.nanoTime();
        browser.get(html.toUri().toString());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Files.createDirectories(OUT);
        Files.copy(html, OUT.resolve(name + ".html"), StandardCopyOption.REPLACE_EXISTING);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, OUT.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(OUT.resolve(name + ".png"))).isGreaterThan(10_000);
        return millis;
    }

    private void assertTilesEqual(Totals totals) {
        assertThat(tile("vms")).isEqualTo(Integer.toString(totals.vms()));
        totals.outcomes().forEach((outcome, n) -> assertThat(browser.findElement(By.cssSelector(
                "[data-tile=vms] li[data-outcome=" + outcome + "]")).getAttribute("data-value")).as(outcome)
                .isEqualTo(Long.toString(n)));
        assertThat(tile("sent")).isEqualTo(Long.toString(totals.wireBytes()));
        assertThat(browser.findElement(By.cssSelector("[data-tile=sent] .big")).getText())
                .isEqualTo(ByteSize.human(totals.wireBytes()));
        assertThat(Double.parseDouble(tile("wall"))).isCloseTo(totals.wallSeconds(),
                org.assertj.core.data.Offset.offset(0.001));
        totals.gpusCarried().forEach((resource, n) -> assertThat(browser.findElement(By.cssSelector(
                "[data-tile=gpus] li[data-resource='" + resource + "']")).getAttribute("data-value")).as(resource)
                .isEqualTo(Integer.toString(n)));
    }

    private String tile(String name) {
        return browser.findElement(By.cssSelector("[data-tile=" + name + "] .big")).getAttribute("data-value");
    }

    /** Sorting by name and by bytes sent, filtering by outcome and by text; returns how long one sort took. */
    private long assertSortsAndFilters(long failed) {
        List<String> before = vmIds();
        long t0 = System.nanoTime();
        header(SENT).click();
        long sortMillis = (System.nanoTime() - t0) / 1_000_000;
        List<Double> ascending = column(SENT).stream().map(Double::valueOf).toList();
        assertThat(ascending).isSorted();
        header(SENT).click();
        List<Double> descending = new ArrayList<>(column(SENT).stream().map(Double::valueOf).toList());
        Collections.reverse(descending);
        assertThat(descending).containsExactlyElementsOf(ascending);
        assertThat(vmIds()).as("sorting reorders the rows").isNotEqualTo(before);
        header(NAME).click();
        assertThat(column(NAME)).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);

        outcomeFilter("failed");
        assertThat(visibleRows()).hasSize((int) failed).allSatisfy(b -> assertThat(b.getAttribute("data-outcome"))
                .isEqualTo("failed"));
        assertThat(browser.findElement(By.id("vm-count")).getText()).isEqualTo(failed + " of " + before.size()
                + " VMs");
        outcomeFilter("");
        String someVm = column(NAME).get(0);
        browser.findElement(By.id("vm-filter")).sendKeys(someVm);
        assertThat(visibleRows()).extracting(b -> b.getAttribute("data-search")).allMatch(s -> s.contains(someVm))
                .isNotEmpty().hasSizeLessThan(before.size());
        browser.findElement(By.id("vm-filter")).clear();
        browser.findElement(By.id("vm-filter")).sendKeys(" ");
        assertThat(visibleRows()).hasSize(before.size());
        return sortMillis;
    }

    private void outcomeFilter(String value) {
        browser.findElement(By.cssSelector("#vm-outcome option[value='" + value + "']")).click();
    }

    private WebElement header(int column) {
        return browser.findElement(By.cssSelector("#vm-table thead th:nth-child(" + (column + 1) + ") button"));
    }

    @SuppressWarnings("unchecked")
    private List<String> column(int column) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from(document"
                + ".querySelectorAll('#vm-table tbody.vm')).map(b => b.rows[0].cells[arguments[0]].getAttribute("
                + "'data-v'));", column);
    }

    @SuppressWarnings("unchecked")
    private List<String> vmIds() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from(document"
                + ".querySelectorAll('#vm-table tbody.vm')).map(b => b.id);");
    }

    private List<WebElement> visibleRows() {
        return browser.findElements(By.cssSelector("#vm-table tbody.vm:not([hidden])"));
    }

    private void assertNoConsoleErrors() {
        List<LogEntry> entries = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries).as("browser console").noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
    }

    /** What a journal says, counted independently of the report: the numbers the tiles must show. */
    private record Totals(int vms, Map<String, Long> outcomes, long wireBytes, double wallSeconds,
            Map<String, Integer> gpusCarried) {
        static Totals of(PlanConversion.Prepared p, List<JournalEntry> journal, Instant finished) {
            Map<String, String> ended = new HashMap<>();
            Map<String, Long> wire = new HashMap<>();
            Instant started = null;
            for (JournalEntry e : journal) {
                if (e.vm().isEmpty()) {
                    started = started == null && e.state() == StepState.STARTED ? Instant.parse(e.time()) : started;
                } else if (e.step().equals(Step.VM)) {
                    ended.put(e.vm().get(), e.state() == StepState.STARTED ? "PENDING" : e.state().name());
                } else if (e.step().equals(Step.IMPORT_DISK) && e.detail("wire").isPresent()) {
                    wire.put(e.vm().get() + "/" + e.detail("disk").get(), Long.parseLong(e.detail("wire").get()));
                }
            }
            Map<String, Long> outcomes = new TreeMap<>(Map.of("SUCCEEDED", 0L, "FAILED", 0L, "SKIPPED", 0L,
                    "PENDING", 0L));
            Map<String, Integer> gpus = new TreeMap<>();
            for (VmWork w : p.vms()) {
                String outcome = ended.getOrDefault(w.name(), "SKIPPED");
                outcomes.merge(outcome, 1L, Long::sum);
                if (outcome.equals("SUCCEEDED")) {
                    w.gpus().forEach(g -> gpus.merge(g.resourceName(), g.count(), Integer::sum));
                }
            }
            return new Totals(p.vms().size(), outcomes, wire.values().stream().mapToLong(Long::longValue).sum(),
                    Duration.between(started, finished).toNanos() / 1e9, gpus);
        }
    }
}
