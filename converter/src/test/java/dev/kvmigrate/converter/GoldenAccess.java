package dev.kvmigrate.converter;

/** Lets tests of other packages convert the gpu-host golden inventory. */
public final class GoldenAccess {
    private GoldenAccess() {}

    public static ConversionResult convert() {
        return GoldenTest.convert();
    }
}
