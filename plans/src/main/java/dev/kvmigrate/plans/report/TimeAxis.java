package dev.kvmigrate.plans.report;

/**
 * The x axis both charts share, so that a throughput peak lines up with the VMs that caused it: seconds since the
 * run's start over the plot area right of a label column, with ticks at round durations.
 */
final class TimeAxis {
    /** Width of every chart. */
    static final double WIDTH = 940;
    /** Left edge of the plot area; the label column (VM names, rates) is left of it. */
    static final double LEFT = 180;
    /** Right edge of the plot area. */
    static final double RIGHT = WIDTH - 24;
    private static final long[] STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
        21600, 43200, 86400};
    private static final int MAX_TICKS = 10;

    private final double span;

    /** An axis from 0 to {@code span} seconds ({@code span > 0}). */
    TimeAxis(double span) {
        this.span = span;
    }

    double span() {
        return span;
    }

    /** The x of a moment, clamped to the plot area. */
    double x(double seconds) {
        return LEFT + Math.max(0, Math.min(1, seconds / span)) * (RIGHT - LEFT);
    }

    /** Vertical grid lines at the ticks, from {@code top} to {@code bottom}. */
    void grid(StringBuilder svg, double top, double bottom) {
        for (long t = 0; t <= span; t += step()) {
            svg.append("<line class=\"tick\" x1=\"").append(Svg.num(x(t))).append("\" y1=\"").append(Svg.num(top))
                    .append("\" x2=\"").append(Svg.num(x(t))).append("\" y2=\"").append(Svg.num(bottom))
                    .append("\"/>");
        }
    }

    /** The tick labels on the line {@code y}. */
    void labels(StringBuilder svg, double y) {
        for (long t = 0; t <= span; t += step()) {
            svg.append("<text x=\"").append(Svg.num(x(t))).append("\" y=\"").append(Svg.num(y))
                    .append("\" text-anchor=\"middle\">").append(HumanTime.tick(t)).append("</text>");
        }
    }

    /** The smallest round step that keeps the ticks at most {@value #MAX_TICKS}. */
    private long step() {
        for (long s : STEPS) {
            if (span / s <= MAX_TICKS) {
                return s;
            }
        }
        return (long) Math.ceil(span / MAX_TICKS / 86400) * 86400;
    }
}
