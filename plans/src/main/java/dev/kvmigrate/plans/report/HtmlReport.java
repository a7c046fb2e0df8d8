package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.Markup;
import java.util.List;
import java.util.Locale;

/**
 * The static HTML page of a run: summary, per-VM pipeline, GPU mapping table and a throughput chart. One
 * self-contained file (inline CSS, inline SVG, no scripts, nothing fetched), so it opens from a CI artifact
 * store or an air-gapped laptop and cannot raise console errors.
 */
public final class HtmlReport {
    private HtmlReport() {}

    public static String render(RunReport r) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>kv-migrate: ").append(esc(r.plan())).append("</title>")
                .append("<style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>Migration plan <code>").append(esc(r.plan())).append("</code> <span class=\"badge ")
                .append(cls(r.outcome())).append("\">").append(r.outcome()).append("</span></h1>\n");
        h.append("<p class=\"meta\">Target <code>").append(esc(r.target())).append("</code> · started ")
                .append(esc(r.startedAt())).append(" · finished ").append(esc(r.finishedAt())).append("</p>\n");
        summary(h, r);
        vms(h, r.vms());
        gpus(h, r.vms());
        chart(h, r.throughput());
        h.append("<footer>Written by kv-migrate.</footer>\n</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, RunReport r) {
        h.append("<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">");
        row(h, "VMs", Integer.toString(r.vms().size()));
        for (Outcome o : Outcome.values()) {
            long n = r.count(o);
            if (n > 0) {
                row(h, o.name().toLowerCase(Locale.ROOT).replace('_', ' '), Long.toString(n));
            }
        }
        row(h, "bytes sent", bytes(r.wireBytes()));
        h.append("</table></section>\n");
    }

    private static void vms(StringBuilder h, List<VmReport> vms) {
        h.append("<section id=\"vms\"><h2>Virtual machines</h2>\n");
        for (VmReport vm : vms) {
            h.append("<article class=\"vm\" id=\"vm-").append(esc(vm.targetName())).append("\"><h3>")
                    .append(esc(vm.name()));
            if (!vm.name().equals(vm.targetName())) {
                h.append(" → <code>").append(esc(vm.targetName())).append("</code>");
            }
            h.append(" <span class=\"badge ").append(cls(vm.outcome())).append("\">").append(vm.outcome())
                    .append("</span></h3>\n");
            vm.error().ifPresent(e -> h.append("<p class=\"error\">").append(esc(e)).append("</p>\n"));
            h.append("<ol class=\"pipeline\">");
            for (StepReport s : vm.steps()) {
                h.append("<li class=\"").append(s.state().name().toLowerCase(Locale.ROOT)).append("\"><b>")
                        .append(esc(s.name())).append("</b> ").append(s.state().name().toLowerCase(Locale.ROOT))
                        .append(String.format(Locale.ROOT, " <small>%.1f s</small>", s.seconds()));
                s.message().ifPresent(m -> h.append("<br><small>").append(esc(m)).append("</small>"));
                h.append("</li>");
            }
            h.append("</ol>\n");
            if (!vm.disks().isEmpty()) {
                h.append("<table><tr><th>disk</th><th>virtual size</th><th>sent</th><th>time</th><th>digest</th></tr>");
                for (DiskReport d : vm.disks()) {
                    h.append("<tr><td><code>").append(esc(d.name())).append("</code></td><td>")
                            .append(bytes(d.virtualBytes())).append("</td><td>").append(bytes(d.wireBytes()))
                            .append(String.format(Locale.ROOT, "</td><td>%.1f s</td><td><code>", d.seconds()))
                            .append(esc(d.digest().orElse("—"))).append("</code></td></tr>");
                }
                h.append("</table>\n");
            }
            h.append("</article>\n");
        }
        h.append("</section>\n");
    }

    private static void gpus(StringBuilder h, List<VmReport> vms) {
        h.append("<section id=\"gpus\"><h2>GPU mapping</h2>");
        if (vms.stream().allMatch(v -> v.gpus().isEmpty())) {
            h.append("<p>No VM in this plan has a GPU.</p></section>\n");
            return;
        }
        h.append("<table><tr><th>VM</th><th>source device</th><th>KubeVirt deviceName</th><th>count</th></tr>");
        for (VmReport vm : vms) {
            for (GpuAssignment g : vm.gpus()) {
                h.append("<tr><td>").append(esc(vm.name())).append("</td><td>").append(esc(g.source()))
                        .append("</td><td><code>").append(esc(g.resourceName())).append("</code></td><td>")
                        .append(g.count()).append("</td></tr>");
            }
        }
        h.append("</table></section>\n");
    }

    private static void chart(StringBuilder h, List<ThroughputSample> samples) {
        h.append("<section id=\"throughput\"><h2>Throughput</h2>");
        if (samples.size() < 2) {
            h.append("<p>Too few samples for a chart.</p></section>\n");
            return;
        }
        double maxT = samples.stream().mapToDouble(ThroughputSample::secondsSinceStart).max().orElse(1);
        double maxR = samples.stream().mapToDouble(ThroughputSample::bytesPerSecond).max().orElse(1);
        maxT = maxT <= 0 ? 1 : maxT;
        maxR = maxR <= 0 ? 1 : maxR;
        int w = 640;
        int ht = 200;
        StringBuilder pts = new StringBuilder();
        for (ThroughputSample s : samples) {
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", 40 + s.secondsSinceStart() / maxT * (w - 50),
                    ht - 20 - s.bytesPerSecond() / maxR * (ht - 40)));
        }
        h.append(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"throughput over time\" width=\"%d\""
                + " height=\"%d\" viewBox=\"0 0 %d %d\">", w, ht, w, ht));
        h.append(String.format(Locale.ROOT, "<line x1=\"40\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>",
                ht - 20, w - 10, ht - 20));
        h.append(String.format(Locale.ROOT, "<line x1=\"40\" y1=\"20\" x2=\"40\" y2=\"%d\" class=\"axis\"/>", ht - 20));
        h.append("<polyline class=\"rate\" points=\"").append(pts.toString().trim()).append("\"/>");
        h.append(String.format(Locale.ROOT, "<text x=\"44\" y=\"16\">%s/s</text>", bytes((long) maxR)));
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s</text>", w - 10,
                ht - 4, maxT));
        h.append("</svg></section>\n");
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String cls(Outcome o) {
        return o.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String bytes(long b) {
        return ByteSize.human(b);
    }

    static String esc(String s) {
        return Markup.escape(s);
    }

    private static final String CSS = "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:960px;"
            + "color:#222}code{font-family:ui-monospace,monospace}table{border-collapse:collapse;margin:.5em 0}"
            + "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}.kv th{background:#f4f4f4}"
            + ".badge{font-size:12px;padding:2px 6px;border-radius:4px;color:#fff;background:#777}"
            + ".succeeded{background:#2e7d32}.failed{background:#c62828}.skipped{background:#8d6e63}"
            + ".dry-run{background:#1565c0}.pipeline li.failed b{color:#c62828}.pipeline li.succeeded b{color:#2e7d32}"
            + ".pipeline li{background:none}.error{color:#c62828}.meta{color:#555}"
            + "svg .axis{stroke:#999}svg .rate{fill:none;stroke:#1565c0;stroke-width:2}svg text{font-size:11px}"
            + "footer{margin-top:2em;color:#888;font-size:12px}";
}
