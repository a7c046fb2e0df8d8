package dev.kvmigrate.common.image;

import dev.kvmigrate.fuzz.Inputs;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/** Image headers (qcow2, VMDK, VHD, VHDX, VDI, ISO, raw) as the probe reads them from a disk's first bytes. */
public final class ImageHeaderFuzzer {
    private ImageHeaderFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(ImageHeaderFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> {
            try {
                ImageProbe.probe(new SeekableInMemoryByteChannel(data));
            } catch (java.io.IOException e) {
                // an in-memory channel fails only on what the bytes say (a header pointing past the end): an input error
            }
        });
    }
}
