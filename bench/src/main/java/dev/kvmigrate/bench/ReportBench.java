package dev.kvmigrate.bench;

import dev.kvmigrate.plans.report.HtmlReport;
import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.report.RunReport;
import dev.kvmigrate.plans.report.SyntheticRuns;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Report benchmark: the journal of a synthetic N-VM run ({@link SyntheticRuns}, seed 42), its report built from the
 * journal, then the HTML page rendered. The first render in this fresh JVM is what {@code plan run} pays (it renders
 * once): target under 2 s at 1,000 VMs. The baseline, measured in the same run, is the JSON serialisation of the
 * same report ({@code report.json}); the ratio says how much dearer the page is than the data. Then the median of
 * five warm renders of each. Usage: {@code ReportBench [VMS]} (default 1000).
 */
public final class ReportBench {
    private static final double TARGET_SECONDS = 2;
    private static final int WARM_RUNS = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ReportBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long t0 = System.nanoTime();
        SyntheticRuns.Run run = SyntheticRuns.generate(n, 42);
        long t1 = System.nanoTime();
        RunReport report = run.report();
        long t2 = System.nanoTime();
        System.out.printf("generated a %d-VM run (%d journal entries, %d waves) in %.2f s%n", n, run.journal().size(),
                run.waves().size(), (t1 - t0) / 1e9);
        System.out.printf("built its report from the journal in %.2f s%n", (t2 - t1) / 1e9);

        Timed html = time(() -> HtmlReport.render(report));
        Timed json = time(() -> ReportWriter.json(report));
        System.out.printf("first render: html %.3f s (%.3f s CPU, %.1f MB), baseline json %.3f s (%.3f s CPU, %.1f MB):"
                + " html/json %.1fx; target html < %.0f s: %s%n", html.seconds(), html.cpuSeconds(), html.megabytes(),
                json.seconds(), json.cpuSeconds(), json.megabytes(), html.seconds() / json.seconds(), TARGET_SECONDS,
                html.seconds() < TARGET_SECONDS ? "met" : "MISSED");
        double warmHtml = median(() -> HtmlReport.render(report));
        double warmJson = median(() -> ReportWriter.json(report));
        System.out.printf("warm, median of %d: html %.3f s, baseline json %.3f s: html/json %.1fx%n", WARM_RUNS,
                warmHtml, warmJson, warmHtml / warmJson);
        System.out.printf(java.util.Locale.ROOT, "RESULT bench=report case=%d-vms-first kv_s=%.3f base=json base_s=%.3f"
                + " ratio=%.2f html_mb=%.1f target_s=%.0f met=%s runs=1%n", n, html.seconds(), json.seconds(),
                html.seconds() / json.seconds(), html.megabytes(), TARGET_SECONDS,
                html.seconds() < TARGET_SECONDS ? "yes" : "no");
        System.out.printf(java.util.Locale.ROOT, "RESULT bench=report case=%d-vms-warm kv_s=%.3f base=json base_s=%.3f"
                + " ratio=%.2f runs=%d%n", n, warmHtml, warmJson, warmHtml / warmJson, WARM_RUNS);
    }

    /** Wall time, this thread's CPU time (the same on an idle machine; less on a loaded one), output size. */
    private record Timed(double seconds, double cpuSeconds, double megabytes) {}

    private static Timed time(Supplier<String> render) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        String out = render.get();
        return new Timed((System.nanoTime() - t) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9,
                out.length() / 1e6);
    }

    private static double median(Supplier<String> render) {
        double[] s = new double[WARM_RUNS];
        for (int i = 0; i < WARM_RUNS; i++) {
            s[i] = time(render).seconds();
        }
        Arrays.sort(s);
        return s[WARM_RUNS / 2];
    }
}
