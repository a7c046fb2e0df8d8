package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import java.util.List;

/**
 * The refusals of an image that may not be read, worded once: whichever reader finds it (the inspector ahead of
 * qemu-img, or the Java qcow2 reader on a machine without qemu-img), the user reads the same answer and fix.
 */
public final class ImageRefusal {
    private ImageRefusal() {}

    /**
     * The image's header names other files that would be read with it (a backing file, an external data file,
     * VMDK extents): none is opened.
     *
     * @param image the image as the user named it
     * @param what what names the files, e.g. {@code its qcow2 header names a backing file}
     * @param files the files as the header names them
     */
    public static KvMigrateException notSelfContained(String image, String what, List<String> files) {
        return KvMigrateException.invalidInput("image " + image + " is not self-contained: " + what + " ("
                + String.join(", ", files) + ") and " + (files.size() == 1 ? "it is not read" : "none of them is read")
                + "; only self-contained images are imported: flatten it with 'qemu-img convert -O qcow2 IMAGE"
                + " FLAT.qcow2' on a trusted machine", null);
    }

    /** The image's header is malformed or absurd ({@code why}); nothing beyond the header is read. */
    public static KvMigrateException malformed(String image, String why, Throwable cause) {
        return KvMigrateException.invalidInput("image " + image + " is refused: " + why + "; only intact,"
                + " self-contained images are imported: check it with 'qemu-img check' and rewrite it with"
                + " 'qemu-img convert -O qcow2 IN OUT' on a trusted machine", cause);
    }
}
