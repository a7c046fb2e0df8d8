package dev.kvmigrate.plans.report;

/** Numbers as SVG coordinates: one decimal, a dot whatever the locale; without {@code String.format}, which is slow. */
final class Svg {
    private Svg() {}

    static String num(double v) {
        long tenths = Math.round(Math.abs(v) * 10);
        return (v < 0 && tenths != 0 ? "-" : "") + tenths / 10 + "." + tenths % 10;
    }
}
