package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.Markup;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The table of VMs: one {@code <tbody class="vm">} per VM (its row and a hidden row with its steps and disks), so
 * the page script sorts and filters whole VMs as plain DOM. Sort keys travel in {@code data-v}, the filter text in
 * {@code data-search}; a failed VM's outcome links to its entry in the failure list.
 */
final class VmTable {
    /** A column: its header, and whether it sorts by number (else by text). */
    private record Column(String title, boolean numeric) {}

    private static final List<Column> COLUMNS = List.of(new Column("VM", false), new Column("Outcome", false),
            new Column("Wave", true), new Column("Started", true), new Column("Duration", true),
            new Column("Disks", true), new Column("Size", true), new Column("Sent", true), new Column("GPUs", true));

    private VmTable() {}

    static void render(StringBuilder h, RunReport r, Optional<RunClock> clock) {
        h.append("<section id=\"vms\"><h2>Virtual machines</h2>\n<div class=\"filters\">")
                .append("<input id=\"vm-filter\" type=\"search\" placeholder=\"Filter by name or error\"")
                .append(" aria-label=\"filter VMs by name or error\">")
                .append("<select id=\"vm-outcome\" aria-label=\"filter VMs by outcome\">")
                .append("<option value=\"\">all outcomes</option>");
        for (Outcome o : Outcome.values()) {
            long n = r.count(o);
            if (n > 0) {
                h.append("<option value=\"").append(HtmlReport.cssClass(o)).append("\">").append(HtmlReport.label(o))
                        .append(" (").append(n).append(")</option>");
            }
        }
        h.append("</select><span id=\"vm-count\" aria-live=\"polite\">all ").append(r.vms().size())
                .append(" VMs</span></div>\n<table id=\"vm-table\"><thead><tr>");
        for (Column c : COLUMNS) {
            h.append(c.numeric() ? "<th class=\"n\" data-type=\"num\">" : "<th>").append("<button type=\"button\">")
                    .append(c.title()).append("</button></th>");
        }
        h.append("</tr></thead>\n");
        for (int i = 0; i < r.vms().size(); i++) {
            vm(h, r.vms().get(i), i, clock);
        }
        h.append("</table></section>\n");
    }

    private static void vm(StringBuilder h, VmReport vm, int index, Optional<RunClock> clock) {
        String outcome = HtmlReport.cssClass(vm.outcome());
        String search = (vm.name() + " " + vm.targetName() + " " + vm.error().orElse("")).toLowerCase(Locale.ROOT);
        h.append("<tbody class=\"vm\" id=\"").append(HtmlReport.vmAnchor(vm)).append("\" data-outcome=\"")
                .append(outcome).append("\" data-search=\"").append(Markup.escape(search)).append("\"><tr>");
        h.append("<td data-v=\"").append(Markup.escape(vm.name())).append("\"><button type=\"button\" class=\"more\"")
                .append(" aria-expanded=\"false\" aria-controls=\"more-").append(index)
                .append("\" aria-label=\"steps and disks\">▸</button>").append(Markup.escape(vm.name()));
        if (!vm.name().equals(vm.targetName())) {
            h.append(" <small>→ <code>").append(Markup.escape(vm.targetName())).append("</code></small>");
        }
        h.append("</td><td data-v=\"").append(outcome).append("\">");
        if (vm.outcome() == Outcome.FAILED) {
            h.append("<a class=\"badge failed\" href=\"#").append(HtmlReport.failureAnchor(vm))
                    .append("\" title=\"cause and fix\">failed</a>");
        } else {
            h.append("<span class=\"badge ").append(outcome).append("\">").append(HtmlReport.label(vm.outcome()))
                    .append("</span>");
        }
        h.append("</td>");
        number(h, vm.wave().map(String::valueOf), vm.wave().map(String::valueOf).orElse("—"));
        Optional<Double> start = vm.startedAt().flatMap(t -> clock.flatMap(c -> c.offset(t)));
        number(h, start.map(s -> Long.toString(Math.round(s * 1000))),
                vm.startedAt().map(HumanTime::instant).orElse("—"));
        Optional<Double> seconds = duration(vm, clock)
                .or(() -> vm.steps().isEmpty() ? Optional.empty() : Optional.of(vm.seconds()));
        number(h, seconds.map(s -> Long.toString(Math.round(s * 1000))),
                seconds.map(HumanTime::duration).orElse("—"));
        number(h, Optional.of(Integer.toString(vm.disks().size())), Integer.toString(vm.disks().size()));
        number(h, Optional.of(Long.toString(vm.virtualBytes())), ByteSize.human(vm.virtualBytes()));
        number(h, Optional.of(Long.toString(vm.wireBytes())), ByteSize.human(vm.wireBytes()));
        int gpus = vm.gpus().stream().mapToInt(GpuAssignment::count).sum();
        h.append("<td class=\"n gpus\" data-v=\"").append(gpus).append("\">").append(gpus == 0 ? "—"
                : Markup.escape(vm.gpus().stream().map(g -> g.resourceName() + " × " + g.count())
                        .collect(Collectors.joining(", ")))).append("</td>");
        h.append("</tr>\n<tr class=\"more\" id=\"more-").append(index).append("\" hidden=\"\"><td colspan=\"")
                .append(COLUMNS.size()).append("\">");
        VmDetails.render(h, vm);
        h.append("</td></tr></tbody>\n");
    }

    private static Optional<Double> duration(VmReport vm, Optional<RunClock> clock) {
        if (clock.isEmpty() || vm.startedAt().isEmpty() || vm.finishedAt().isEmpty()) {
            return Optional.empty();
        }
        return clock.get().offset(vm.finishedAt().get())
                .flatMap(end -> clock.get().offset(vm.startedAt().get()).map(start -> end - start));
    }

    private static void number(StringBuilder h, Optional<String> key, String shown) {
        h.append("<td class=\"n\" data-v=\"").append(Markup.escape(key.orElse(""))).append("\">")
                .append(Markup.escape(shown)).append("</td>");
    }
}
