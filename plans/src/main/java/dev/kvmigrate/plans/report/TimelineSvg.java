package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.Markup;
import dev.kvmigrate.plans.run.StepState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The run as a Gantt chart, in inline SVG: one row per VM that ran (by wave, then start), its pipeline as a bar
 * coloured by outcome, each disk transfer as a thin bar inside it (one lane per disk), a cross at the end of a
 * failed VM; waves as shaded bands numbered on the axis. Rows are a compact {@value #ROW} px and scroll under a
 * fixed axis, so 1,000 VMs stay 1,000 readable, hoverable rows (12,000 px to scroll) instead of being aggregated.
 */
final class TimelineSvg {
    static final int ROW = 12;
    private static final int LANES = 4;
    private static final int NAME_CHARS = 30;

    private record Row(VmReport vm, double start, double end, boolean finished) {}

    private TimelineSvg() {}

    static void render(StringBuilder h, RunReport r, Optional<RunClock> clock) {
        h.append("<section id=\"timeline\"><h2>Timeline</h2>\n");
        List<Row> rows = clock.map(c -> rows(r, c)).orElse(List.of());
        if (rows.isEmpty()) {
            h.append("<p>No VM ran in this run, so there is no timeline.</p></section>\n");
            return;
        }
        TimeAxis axis = new TimeAxis(clock.get().span());
        Map<Integer, double[]> waves = waves(rows);
        caption(h, r.vms().size(), rows.size(), axis, waves.size());
        h.append("<div class=\"chart\">");
        header(h, axis, waves);
        int height = rows.size() * ROW + 4;
        h.append("<div class=\"scroll\"><svg class=\"gantt\" role=\"img\" aria-label=\"timeline of ")
                .append(rows.size()).append(" VMs\" width=\"").append(Svg.num(TimeAxis.WIDTH))
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
                .append(Svg.num(TimeAxis.WIDTH)).append(' ').append(height).append("\">");
        if (waves.size() > 1) {
            waves.forEach((w, span) -> h.append("<rect class=\"band").append(w % 2 == 0 ? " alt" : "")
                    .append("\" x=\"").append(Svg.num(axis.x(span[0]))).append("\" y=\"0\" width=\"")
                    .append(Svg.num(axis.x(span[1]) - axis.x(span[0]))).append("\" height=\"").append(height)
                    .append("\"/>"));
        }
        axis.grid(h, 0, height);
        for (int i = 0; i < rows.size(); i++) {
            row(h, axis, clock.get(), rows.get(i), i * ROW);
        }
        h.append("</svg></div></div></section>\n");
    }

    private static void caption(StringBuilder h, int vms, int drawn, TimeAxis axis, int waves) {
        h.append("<p class=\"meta\">").append(drawn).append(" VM(s) over ").append(HumanTime.duration(axis.span()));
        if (waves > 1) {
            h.append(" in ").append(waves).append(" GPU waves");
        }
        if (vms > drawn) {
            h.append("; ").append(vms - drawn).append(" VM(s) that did not run are not drawn");
        }
        h.append(". Hover a row for its times.</p>\n<p class=\"legend\"><i class=\"l-vm\"></i>VM pipeline"
                + "<i class=\"l-disk\"></i>disk transfer<i class=\"l-failed\"></i>failed")
                .append(waves > 1 ? "<i class=\"l-band\"></i>wave" : "").append("</p>\n");
    }

    /** The VMs with a start, ordered by wave then start; one still running at the end is drawn to the end. */
    private static List<Row> rows(RunReport r, RunClock clock) {
        List<Row> rows = new ArrayList<>();
        for (VmReport vm : r.vms()) {
            Optional<Double> start = vm.startedAt().flatMap(clock::offset);
            if (start.isPresent()) {
                Optional<Double> end = vm.finishedAt().flatMap(clock::offset);
                rows.add(new Row(vm, start.get(), end.orElse(clock.span()), end.isPresent()));
            }
        }
        rows.sort(Comparator.comparing((Row x) -> x.vm().wave().orElse(Integer.MAX_VALUE))
                .thenComparingDouble(Row::start));
        return rows;
    }

    /** Each wave's first start and last end. */
    private static Map<Integer, double[]> waves(List<Row> rows) {
        Map<Integer, double[]> out = new TreeMap<>();
        for (Row row : rows) {
            row.vm().wave().ifPresent(w -> {
                double[] s = out.computeIfAbsent(w, k -> new double[] {row.start(), row.end()});
                s[0] = Math.min(s[0], row.start());
                s[1] = Math.max(s[1], row.end());
            });
        }
        return out;
    }

    private static void header(StringBuilder h, TimeAxis axis, Map<Integer, double[]> waves) {
        h.append("<svg class=\"axis\" aria-hidden=\"true\" width=\"").append(Svg.num(TimeAxis.WIDTH))
                .append("\" height=\"30\" viewBox=\"0 0 ").append(Svg.num(TimeAxis.WIDTH)).append(" 30\">");
        if (waves.size() > 1) {
            waves.forEach((w, span) -> h.append("<text class=\"wave\" x=\"").append(Svg.num(axis.x(span[0]) + 2))
                    .append("\" y=\"11\">wave ").append(w).append("</text>"));
        }
        h.append("<text x=\"").append(Svg.num(TimeAxis.LEFT - 6))
                .append("\" y=\"25\" text-anchor=\"end\">since start</text>");
        axis.labels(h, 25);
        h.append("</svg>");
    }

    private static void row(StringBuilder h, TimeAxis axis, RunClock clock, Row row, int y) {
        VmReport vm = row.vm();
        String cls = HtmlReport.cssClass(vm.outcome());
        h.append("<g class=\"row ").append(cls).append("\"><title>").append(Markup.escape(title(row)))
                .append("</title><text x=\"").append(Svg.num(TimeAxis.LEFT - 6)).append("\" y=\"").append(y + 9)
                .append("\" text-anchor=\"end\">").append(Markup.escape(shorten(vm.name()))).append("</text>");
        double x0 = axis.x(row.start());
        double x1 = Math.max(axis.x(row.end()), x0 + 1);
        h.append("<rect class=\"vm\" x=\"").append(Svg.num(x0)).append("\" y=\"").append(y + 1)
                .append("\" width=\"").append(Svg.num(x1 - x0)).append("\" height=\"10\"/>");
        List<DiskReport> disks = vm.disks();
        int lanes = Math.max(1, Math.min(LANES, disks.size()));
        double laneHeight = 8.0 / lanes;
        for (int i = 0; i < disks.size(); i++) {
            DiskReport d = disks.get(i);
            Optional<Double> from = d.startedAt().flatMap(clock::offset);
            Optional<Double> to = d.finishedAt().flatMap(clock::offset);
            if (from.isEmpty() || to.isEmpty()) {
                continue;
            }
            double dx0 = axis.x(from.get());
            h.append("<rect class=\"disk").append(d.state().equals(Optional.of(StepState.FAILED)) ? " failed" : "")
                    .append("\" x=\"").append(Svg.num(dx0)).append("\" y=\"")
                    .append(Svg.num(y + 2 + (i % lanes) * laneHeight)).append("\" width=\"")
                    .append(Svg.num(Math.max(axis.x(to.get()) - dx0, 0.8))).append("\" height=\"")
                    .append(Svg.num(laneHeight - 0.4)).append("\"/>");
        }
        if (vm.outcome() == Outcome.FAILED) {
            h.append("<path class=\"x\" d=\"M").append(Svg.num(x1 + 2)).append(' ').append(y + 2)
                    .append("l7 7m0 -7l-7 7\"/>");
        }
        h.append("</g>\n");
    }

    private static String title(Row row) {
        VmReport vm = row.vm();
        StringBuilder t = new StringBuilder(vm.name());
        if (!vm.name().equals(vm.targetName())) {
            t.append(" → ").append(vm.targetName());
        }
        t.append(" · ").append(HtmlReport.label(vm.outcome()));
        vm.wave().ifPresent(w -> t.append(" · wave ").append(w));
        t.append('\n').append(vm.startedAt().map(HumanTime::instant).orElse("?")).append(" → ")
                .append(row.finished() ? vm.finishedAt().map(HumanTime::instant).orElse("?") : "not finished")
                .append(" (").append(HumanTime.duration(row.end() - row.start())).append(')');
        vm.error().ifPresent(e -> t.append('\n').append(e.length() > 300 ? e.substring(0, 300) + "…" : e));
        return t.toString();
    }

    private static String shorten(String name) {
        return name.codePointCount(0, name.length()) <= NAME_CHARS ? name
                : name.substring(0, name.offsetByCodePoints(0, NAME_CHARS - 1)) + "…";
    }
}
