package dev.kvmigrate.importer.sink;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.importer.source.FileSlice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Runs the real {@code qemu-img} to turn container formats (qcow2, vmdk, vhd(x), vdi) into raw. */
final class QemuImg {
    private QemuImg() {}

    /**
     * The name qemu-img opens for a file slice: the plain path, or for a member inside an OVA a json: filename
     * stacking the format driver on a raw driver with offset/size (qemu's own way to read a byte range).
     */
    static String filename(FileSlice s, ImageFormat format) {
        String driver = driver(format);
        if (s.offset() == 0) {
            return s.file().toString();
        }
        String path = s.file().toString().replace("\\", "\\\\").replace("\"", "\\\"");
        return "json:{\"driver\":\"" + driver + "\",\"file\":{\"driver\":\"raw\",\"offset\":" + s.offset()
                + ",\"size\":" + s.length() + ",\"file\":{\"driver\":\"file\",\"filename\":\"" + path + "\"}}}";
    }

    static String driver(ImageFormat format) {
        return switch (format) {
            case VHD -> "vpc";
            default -> format.name().toLowerCase(Locale.ROOT);
        };
    }

    /** {@code qemu-img convert -O raw} from the slice into {@code target} (sparse; target must not exist). */
    static void convertToRaw(FileSlice s, ImageFormat format, Path target) {
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert", "-q"));
        if (s.offset() == 0) {
            cmd.addAll(List.of("-f", driver(format)));
        }
        cmd.addAll(List.of("-O", "raw", filename(s, format), target.toString()));
        run(cmd, "convert " + s.file());
    }

    /** {@code qemu-img compare}: true when the guest-visible contents are identical. */
    static boolean identical(FileSlice s, ImageFormat format, Path raw) {
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "compare", "-q"));
        if (s.offset() == 0) {
            cmd.addAll(List.of("-f", driver(format)));
        }
        cmd.addAll(List.of("-F", "raw", filename(s, format), raw.toString()));
        return run(cmd, "compare " + s.file()) == 0;
    }

    private static int run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            if (rc != 0 && !(rc == 1 && cmd.get(1).equals("compare"))) {
                throw KvMigrateException.targetError("qemu-img " + what + " failed (exit " + rc + "): " + output,
                        null);
            }
            return rc;
        } catch (IOException e) {
            throw KvMigrateException.targetError("qemu-img is needed to convert this image but cannot run ("
                    + e.getMessage() + "); install qemu-utils", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KvMigrateException.targetError("interrupted while running qemu-img " + what, e);
        }
    }
}
