package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.Markup;
import java.util.Locale;
import java.util.Optional;

/**
 * The HTML page of a run: summary tiles, a timeline of the VMs and their disks, throughput over time, a sortable and
 * filterable VM table, the failures with their cause and fix, and the GPU mapping. One self-contained file: inline
 * CSS, inline SVG drawn here, a small inline script of our own (sorting, filtering, opening rows), nothing fetched,
 * and a Content-Security-Policy that allows exactly that script and style sheet. It opens from a CI artifact store
 * or an air-gapped laptop, and stays quick at 1,000 VMs (see {@code bench/report}).
 *
 * <p>All text from the run (VM names, messages, digests) is untrusted and escaped, in element content and in
 * attributes alike.
 */
public final class HtmlReport {
    private HtmlReport() {}

    public static String render(RunReport r) {
        Optional<RunClock> clock = RunClock.of(r);
        StringBuilder h = new StringBuilder(4096 + r.vms().size() * 2048);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
                .append(PageAssets.CONTENT_SECURITY_POLICY).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>kv-migrate: ").append(Markup.escape(r.plan())).append("</title>")
                .append("<style>").append(PageAssets.CSS).append("</style></head><body>\n");
        h.append("<header><h1>Migration plan <code>").append(Markup.escape(r.plan()))
                .append("</code> <span class=\"badge ").append(cssClass(r.outcome())).append("\">")
                .append(label(r.outcome())).append("</span></h1>\n<p class=\"meta\">Target <code>")
                .append(Markup.escape(r.target())).append("</code>")
                .append(r.bandwidth().map(b -> " · bandwidth " + Markup.escape(b)).orElse("")).append(" · started ")
                .append(Markup.escape(HumanTime.instant(r.startedAt()))).append(" · finished ")
                .append(Markup.escape(HumanTime.instant(r.finishedAt()))).append("</p>\n<nav>")
                .append("<a href=\"#summary\">Summary</a><a href=\"#timeline\">Timeline</a>")
                .append("<a href=\"#throughput\">Throughput</a><a href=\"#vms\">VMs</a>");
        if (r.count(Outcome.FAILED) > 0) {
            h.append("<a href=\"#failures\">Failures (").append(r.count(Outcome.FAILED)).append(")</a>");
        }
        h.append("<a href=\"#gpus\">GPU mapping</a></nav></header>\n<main>\n");
        SummaryTiles.render(h, r);
        TimelineSvg.render(h, r, clock);
        ThroughputSvg.render(h, r, clock);
        VmTable.render(h, r, clock);
        FailureList.render(h, r);
        GpuMapping.render(h, r);
        h.append("</main>\n<footer>Written by kv-migrate. Times are UTC.</footer>\n<script>").append(PageAssets.JS)
                .append("</script>\n</body></html>\n");
        return h.toString();
    }

    /** How an outcome reads on the page: {@code DRY_RUN} → {@code dry run}. */
    static String label(Outcome o) {
        return o.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The CSS class (and filter value) of an outcome: {@code DRY_RUN} → {@code dry-run}. */
    static String cssClass(Outcome o) {
        return o.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A rate as {@code plan status} prints it: {@code 412.5 MiB/s}. */
    static String rate(double bytesPerSecond) {
        return ByteSize.human(Math.round(bytesPerSecond)) + "/s";
    }

    /** The id of a VM's table entry: {@code vm-<target name>}, escaped for an attribute. */
    static String vmAnchor(VmReport vm) {
        return Markup.escape("vm-" + vm.targetName());
    }

    /** The id of a failed VM's entry in the failure list. */
    static String failureAnchor(VmReport vm) {
        return Markup.escape("fail-" + vm.targetName());
    }
}
