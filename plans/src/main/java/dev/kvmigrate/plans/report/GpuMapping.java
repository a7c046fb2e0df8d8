package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.Markup;
import java.util.Map;
import java.util.TreeMap;

/** What the source's GPUs became: one row per source device and target resource, with how many VMs and devices. */
final class GpuMapping {
    private record Key(String source, String resource) {}

    private GpuMapping() {}

    static void render(StringBuilder h, RunReport r) {
        h.append("<section id=\"gpus\"><h2>GPU mapping</h2>");
        Map<Key, int[]> rows = new TreeMap<>((a, b) -> a.resource().equals(b.resource())
                ? a.source().compareTo(b.source()) : a.resource().compareTo(b.resource()));
        for (VmReport vm : r.vms()) {
            for (GpuAssignment g : vm.gpus()) {
                int[] n = rows.computeIfAbsent(new Key(g.source(), g.resourceName()), k -> new int[3]);
                n[0]++;
                n[1] += g.count();
                n[2] += vm.outcome() == Outcome.SUCCEEDED ? g.count() : 0;
            }
        }
        if (rows.isEmpty()) {
            h.append("<p>No VM in this plan has a GPU.</p></section>\n");
            return;
        }
        h.append("<table class=\"gpu-map\"><thead><tr><th>source device</th><th>KubeVirt deviceName</th><th>VMs</th>")
                .append("<th>devices</th><th>carried</th></tr></thead><tbody>");
        rows.forEach((k, n) -> h.append("<tr><td>").append(Markup.escape(k.source())).append("</td><td><code>")
                .append(Markup.escape(k.resource())).append("</code></td><td>").append(n[0]).append("</td><td>")
                .append(n[1]).append("</td><td>").append(n[2]).append("</td></tr>"));
        h.append("</tbody></table></section>\n");
    }
}
