package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.Markup;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The summary tiles: VMs by outcome, data sent, wall time, mean and peak throughput, GPUs carried by resource name.
 * Each value carries its raw number in {@code data-value}, so a test (or a script scraping the page) compares
 * numbers, not formatted text.
 */
final class SummaryTiles {
    private SummaryTiles() {}

    static void render(StringBuilder h, RunReport r) {
        h.append("<section id=\"summary\"><h2>Summary</h2><div class=\"tiles\">\n");
        vms(h, r);
        long disks = r.vms().stream().mapToLong(v -> v.disks().size()).sum();
        long virtual = r.vms().stream().mapToLong(VmReport::virtualBytes).sum();
        tile(h, "sent", "Data sent", Long.toString(r.wireBytes()), ByteSize.human(r.wireBytes()),
                disks + " disk(s), " + ByteSize.human(virtual) + " virtual");
        tile(h, "wall", "Wall time", String.format(Locale.ROOT, "%.3f", r.wallSeconds()),
                HumanTime.duration(r.wallSeconds()), HumanTime.instant(r.startedAt()) + " → "
                        + HumanTime.instant(r.finishedAt()));
        tile(h, "mean-rate", "Mean throughput", String.format(Locale.ROOT, "%.0f", r.meanBytesPerSecond()),
                HtmlReport.rate(r.meanBytesPerSecond()), "data sent ÷ wall time");
        tile(h, "peak-rate", "Peak throughput", String.format(Locale.ROOT, "%.0f", r.peakBytesPerSecond()),
                HtmlReport.rate(r.peakBytesPerSecond()), "busiest second of the run");
        gpus(h, r);
        h.append("</div></section>\n");
    }

    private static void vms(StringBuilder h, RunReport r) {
        h.append("<div class=\"tile\" data-tile=\"vms\"><h3>VMs</h3><p class=\"big\" data-value=\"")
                .append(r.vms().size()).append("\">").append(r.vms().size()).append("</p><ul>");
        for (Outcome o : Outcome.values()) {
            long n = r.count(o);
            h.append("<li").append(n == 0 ? " class=\"zero\"" : "").append(" data-outcome=\"").append(o.name())
                    .append("\" data-value=\"").append(n).append("\"><b>").append(n).append("</b> ")
                    .append(HtmlReport.label(o)).append("</li>");
        }
        h.append("</ul></div>\n");
    }

    private static void gpus(StringBuilder h, RunReport r) {
        SortedMap<String, Integer> carried = r.gpusCarried();
        SortedMap<String, Integer> planned = r.gpusPlanned();
        h.append("<div class=\"tile gpus\" data-tile=\"gpus\"><h3>GPUs carried</h3>");
        if (planned.isEmpty()) {
            h.append("<p class=\"sub\">No VM of this plan has a GPU.</p></div>\n");
            return;
        }
        h.append("<ul>");
        for (Map.Entry<String, Integer> g : planned.entrySet()) {
            int n = carried.getOrDefault(g.getKey(), 0);
            h.append("<li data-resource=\"").append(Markup.escape(g.getKey())).append("\" data-value=\"").append(n)
                    .append("\"><code>").append(Markup.escape(g.getKey())).append("</code> × ").append(n);
            if (n != g.getValue()) {
                h.append(" <span class=\"sub\">of ").append(g.getValue()).append(" planned</span>");
            }
            h.append("</li>");
        }
        h.append("</ul></div>\n");
    }

    private static void tile(StringBuilder h, String id, String title, String raw, String value, String sub) {
        h.append("<div class=\"tile\" data-tile=\"").append(id).append("\"><h3>").append(title)
                .append("</h3><p class=\"big\" data-value=\"").append(raw).append("\">").append(Markup.escape(value))
                .append("</p><p class=\"sub\">").append(Markup.escape(sub)).append("</p></div>\n");
    }
}
