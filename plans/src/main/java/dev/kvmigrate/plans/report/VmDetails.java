package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.Markup;
import java.util.Locale;

/** What one VM went through, shown when its table row is opened: its error, steps, and disks. */
final class VmDetails {
    private VmDetails() {}

    static void render(StringBuilder h, VmReport vm) {
        vm.error().ifPresent(e -> h.append("<p class=\"error\">").append(Markup.escape(e)).append("</p>"));
        vm.source().ifPresent(s -> h.append("<p class=\"source\"><b>Source:</b> ").append(Markup.escape(s))
                .append("</p>"));
        if (vm.steps().isEmpty()) {
            h.append("<p>It did not run.</p>");
        } else {
            h.append("<ol class=\"steps\">");
            for (StepReport s : vm.steps()) {
                String state = s.state().name().toLowerCase(Locale.ROOT);
                h.append("<li class=\"").append(state).append("\"><b>").append(Markup.escape(s.name()))
                        .append("</b> <span class=\"state\">").append(state).append("</span> ")
                        .append(HumanTime.duration(s.seconds()));
                s.message().filter(m -> !m.isEmpty()).ifPresent(m -> h.append(" — ").append(Markup.escape(m)));
                h.append("</li>");
            }
            h.append("</ol>");
        }
        if (vm.disks().isEmpty()) {
            return;
        }
        h.append("<table class=\"disks\"><tr><th>disk</th><th>state</th><th>virtual size</th><th>sent</th>")
                .append("<th>started</th><th>time</th><th>digest</th></tr>");
        for (DiskReport d : vm.disks()) {
            h.append("<tr><td><code>").append(Markup.escape(d.name())).append("</code></td><td>")
                    .append(d.state().map(s -> s.name().toLowerCase(Locale.ROOT)).orElse("—")).append("</td><td>")
                    .append(ByteSize.human(d.virtualBytes())).append("</td><td>").append(ByteSize.human(d.wireBytes()))
                    .append("</td><td>").append(Markup.escape(d.startedAt().map(HumanTime::instant).orElse("—")))
                    .append("</td><td>").append(HumanTime.duration(d.seconds())).append("</td><td><code>")
                    .append(Markup.escape(d.digest().orElse("—"))).append("</code></td></tr>");
        }
        h.append("</table>");
    }
}
