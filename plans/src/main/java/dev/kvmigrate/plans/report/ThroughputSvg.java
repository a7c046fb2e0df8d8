package dev.kvmigrate.plans.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * Throughput over the run, in inline SVG: the per-second samples averaged into at most {@value #MAX_BINS} bins,
 * drawn as an area under a line, the mean as a dashed line. The rate axis uses the binary unit that fits the
 * busiest bin ({@code KiB/s}, {@code MiB/s}, {@code GiB/s}), as {@link dev.kvmigrate.common.ByteSize} writes sizes
 * everywhere else in the product; the time axis is the timeline's, so peaks line up with the VMs behind them.
 */
final class ThroughputSvg {
    private static final int MAX_BINS = 240;
    private static final double TOP = 12;
    private static final double BASE = 196;
    private static final int HEIGHT = 224;
    private static final String[] UNITS = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"};

    private ThroughputSvg() {}

    static void render(StringBuilder h, RunReport r, Optional<RunClock> clock) {
        h.append("<section id=\"throughput\"><h2>Throughput</h2>\n");
        if (r.throughput().isEmpty() || clock.isEmpty()) {
            h.append("<p>No disk data was sent, so there is no throughput to chart.</p></section>\n");
            return;
        }
        TimeAxis axis = new TimeAxis(clock.get().span());
        double width = Math.max(1, axis.span() / MAX_BINS);
        double[] rates = bins(r, axis.span(), width);
        double max = Math.max(r.meanBytesPerSecond(), 1);
        for (double v : rates) {
            max = Math.max(max, v);
        }
        int unit = 0;
        while (unit < UNITS.length - 1 && max / Math.pow(1024, unit) >= 1024) {
            unit++;
        }
        double scale = Math.pow(1024, unit);
        double step = niceStep(max / scale / 4);
        double top = Math.ceil(max / scale / step) * step;
        h.append("<p class=\"meta\">Each point is the mean rate over ").append(HumanTime.duration(width))
                .append("; the peak tile is the busiest single second.</p>\n<div class=\"chart\">")
                .append("<svg class=\"rate-chart\" role=\"img\" aria-label=\"throughput over time\" width=\"")
                .append(Svg.num(TimeAxis.WIDTH)).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ")
                .append(Svg.num(TimeAxis.WIDTH)).append(' ').append(HEIGHT).append("\">");
        axis.grid(h, TOP, BASE);
        for (int i = 0; i * step <= top + step / 2; i++) {
            double v = i * step;
            double y = y(v / top);
            h.append("<line class=\"tick\" x1=\"").append(Svg.num(TimeAxis.LEFT)).append("\" y1=\"").append(Svg.num(y))
                    .append("\" x2=\"").append(Svg.num(TimeAxis.RIGHT)).append("\" y2=\"").append(Svg.num(y))
                    .append("\"/><text x=\"").append(Svg.num(TimeAxis.LEFT - 6)).append("\" y=\"")
                    .append(Svg.num(y + 3)).append("\" text-anchor=\"end\">").append(number(v)).append(' ')
                    .append(UNITS[unit]).append("</text>");
        }
        StringBuilder line = new StringBuilder();
        for (int b = 0; b < rates.length; b++) {
            line.append(Svg.num(axis.x((b + 0.5) * width))).append(',')
                    .append(Svg.num(y(rates[b] / scale / top))).append(' ');
        }
        String points = line.toString().trim();
        h.append("<polygon class=\"area\" points=\"").append(Svg.num(axis.x(0))).append(',').append(Svg.num(BASE))
                .append(' ').append(points).append(' ').append(Svg.num(axis.x(axis.span()))).append(',')
                .append(Svg.num(BASE)).append("\"/><polyline class=\"rate\" points=\"").append(points).append("\"/>");
        double mean = y(r.meanBytesPerSecond() / scale / top);
        h.append("<line class=\"base\" x1=\"").append(Svg.num(TimeAxis.LEFT)).append("\" y1=\"").append(Svg.num(BASE))
                .append("\" x2=\"").append(Svg.num(TimeAxis.RIGHT)).append("\" y2=\"").append(Svg.num(BASE))
                .append("\"/><line class=\"mean\" x1=\"").append(Svg.num(TimeAxis.LEFT)).append("\" y1=\"")
                .append(Svg.num(mean)).append("\" x2=\"").append(Svg.num(TimeAxis.RIGHT)).append("\" y2=\"")
                .append(Svg.num(mean)).append("\"/><text class=\"mean-label\" x=\"").append(Svg.num(TimeAxis.RIGHT))
                .append("\" y=\"").append(Svg.num(mean - 4)).append("\" text-anchor=\"end\">mean ")
                .append(HtmlReport.rate(r.meanBytesPerSecond())).append("</text>");
        axis.labels(h, BASE + 16);
        h.append("</svg></div></section>\n");
    }

    /** Mean bytes per second in each bin of {@code width} seconds (a sample is the bytes of one second). */
    private static double[] bins(RunReport r, double span, double width) {
        double[] rates = new double[Math.max(1, (int) Math.ceil(span / width))];
        for (ThroughputSample s : r.throughput()) {
            int b = (int) Math.min(rates.length - 1, Math.max(0, s.secondsSinceStart() / width));
            rates[b] += s.bytesPerSecond() / width;
        }
        return rates;
    }

    private static double y(double fraction) {
        return BASE - fraction * (BASE - TOP);
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}. */
    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** {@code 250}, {@code 2.5}, {@code 0.25}: as few digits as the tick needs. */
    private static String number(double v) {
        return BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
