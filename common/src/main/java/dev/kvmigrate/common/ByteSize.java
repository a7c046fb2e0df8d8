package dev.kvmigrate.common;


/** Byte counts for people: binary units, whole numbers when exact ({@code 16 GiB}), else one decimal. */
public final class ByteSize {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSize() {}

    /** {@code 17179869184} → {@code 16 GiB}; {@code 1610612736} → {@code 1.5 GiB}; {@code 512} → {@code 512 B}. */
    public static String human(long bytes) {
        double v = bytes;
        int i = 0;
        while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
            v /= 1024;
            i++;
        }
        if (v == Math.rint(v)) {
            return (long) v + " " + UNITS[i];
        }
        // one decimal, rounded half-up as %.1f does, without the formatter (reports call this thousands of times)
        long tenths = Math.round(Math.abs(v) * 10);
        return (v < 0 ? "-" : "") + tenths / 10 + "." + tenths % 10 + " " + UNITS[i];
    }
}
