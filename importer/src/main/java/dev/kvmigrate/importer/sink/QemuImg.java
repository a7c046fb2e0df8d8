package dev.kvmigrate.importer.sink;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.importer.source.FileSlice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs the real {@code qemu-img} to turn container formats (qcow2, vmdk, vhd(x), vdi) into raw. Images get here
 * only after {@link dev.kvmigrate.importer.transfer.Inspector} has read their header in Java and found them
 * self-contained; on top of that every image is opened through a {@code json:} filename that pins the format
 * driver and the one file, with no backing file, so qemu-img cannot follow a reference our header check missed.
 * A failure that is the image's (qemu-img cannot open or read it) is invalid input naming the image; one that is
 * the target's is a target error.
 */
final class QemuImg {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private QemuImg() {}

    /**
     * The name qemu-img opens for a file slice: a {@code json:} filename with the format driver over the file
     * driver on the absolute path, or for a member inside an OVA over a raw driver with offset/size (qemu's own
     * way to read a byte range). qcow2 and vmdk get {@code "backing": null}: no backing file, whatever the header
     * says.
     */
    static String filename(FileSlice s, ImageFormat format) {
        ObjectNode file = JSON.objectNode().put("driver", "file")
                .put("filename", s.file().toAbsolutePath().toString());
        if (s.offset() != 0) {
            file = JSON.objectNode().put("driver", "raw").put("offset", s.offset()).put("size", s.length())
                    .set("file", file);
        }
        ObjectNode image = JSON.objectNode().put("driver", driver(format));
        if (format == ImageFormat.QCOW2 || format == ImageFormat.VMDK) {
            image.putNull("backing");
        }
        image.set("file", file);
        return "json:" + image;
    }

    static String driver(ImageFormat format) {
        return switch (format) {
            case VHD -> "vpc";
            default -> format.name().toLowerCase(Locale.ROOT);
        };
    }

    /** {@code qemu-img convert -O raw} from the slice into {@code target} (sparse; target must not exist). */
    static void convertToRaw(FileSlice s, ImageFormat format, Path target) {
        String source = filename(s, format);
        List<String> cmd = List.of("qemu-img", "convert", "-q", "-O", "raw", source,
                target.toAbsolutePath().toString());
        run(cmd, "convert", s, source, target);
    }

    /** {@code qemu-img compare}: true when the guest-visible contents are identical. */
    static boolean identical(FileSlice s, ImageFormat format, Path raw) {
        String source = filename(s, format);
        List<String> cmd = List.of("qemu-img", "compare", "-q", "-F", "raw", source, raw.toAbsolutePath().toString());
        return run(cmd, "compare", s, source, raw) == 0;
    }

    private static String imageName(FileSlice s) {
        return s.offset() == 0 ? s.file().toString()
                : s.file() + " (bytes " + s.offset() + " to " + (s.offset() + s.length()) + ")";
    }

    private static int run(List<String> cmd, String what, FileSlice s, String source, Path target) {
        String image = imageName(s);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()
                    .replace(source, image);
            int rc = p.waitFor();
            if (rc != 0 && !(rc == 1 && what.equals("compare"))) {
                throw failure(what, rc, output, image, target);
            }
            return rc;
        } catch (IOException e) {
            throw KvMigrateException.targetError("qemu-img is needed to convert " + image + " but cannot run ("
                    + e.getMessage() + "); install qemu-utils", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KvMigrateException.targetError("interrupted while running qemu-img " + what + " on " + image, e);
        }
    }

    /** Whose fault a failure is: the target's when the output names it or a write, else the image's. */
    private static KvMigrateException failure(String what, int rc, String output, String image, Path target) {
        String abs = target.toAbsolutePath().toString();
        if (output.contains(abs) || output.contains(target.toString()) || output.contains("error while writing")) {
            return KvMigrateException.targetError("qemu-img " + what + " of " + image + " failed writing " + target
                    + " (exit " + rc + "): " + output, null);
        }
        return KvMigrateException.invalidInput("image " + image + ": qemu-img cannot read it (" + what + ", exit "
                + rc + "): " + output + "; the image is damaged or not what its header says: check it with"
                + " 'qemu-img check' and rewrite it with 'qemu-img convert -O qcow2 IN OUT' on a trusted machine",
                null);
    }
}
