package dev.kvmigrate.importer.format;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes Zstandard frames (RFC 8878) by hand: data as Raw_Blocks, zero runs as RLE_Blocks of 4 bytes per
 * 128 KiB. Any zstd decoder (CDI's, {@code zstd -d}) expands them; the encoder costs a memcpy, and a hole
 * crosses the wire as 32 bytes per MiB.
 */
public final class ZstdSparseWriter {
    private static final int MAX_BLOCK = 128 * 1024;
    /** Magic number, little-endian, then Frame_Header_Descriptor 0 (no content size, no checksum). */
    private static final byte[] FRAME_HEADER = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00,
        // Window_Descriptor: exponent 7, mantissa 0 -> window 128 KiB, so blocks may be 128 KiB.
        0x38};
    private static final int RAW = 0;
    private static final int RLE = 1;

    private final OutputStream out;
    private final byte[] header = new byte[4];
    private boolean open;

    public ZstdSparseWriter(OutputStream out) {
        this.out = out;
    }

    /** Starts a frame when none is open. */
    public void startFrame() throws IOException {
        if (!open) {
            out.write(FRAME_HEADER);
            open = true;
        }
    }

    /** Data bytes as Raw_Blocks. */
    public void raw(byte[] buf, int off, int len) throws IOException {
        startFrame();
        int at = 0;
        while (at < len) {
            int n = Math.min(MAX_BLOCK, len - at);
            blockHeader(false, RAW, n);
            out.write(header, 0, 3);
            out.write(buf, off + at, n);
            at += n;
        }
    }

    /** {@code length} zero bytes as RLE_Blocks. */
    public void zeros(long length) throws IOException {
        startFrame();
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(MAX_BLOCK, left);
            blockHeader(false, RLE, n);
            header[3] = 0;
            out.write(header, 0, 4);
            left -= n;
        }
    }

    /** Ends the open frame with an empty last Raw_Block. */
    public void endFrame() throws IOException {
        if (open) {
            blockHeader(true, RAW, 0);
            out.write(header, 0, 3);
            open = false;
        }
    }

    private void blockHeader(boolean last, int type, int size) {
        int h = (last ? 1 : 0) | (type << 1) | (size << 3);
        header[0] = (byte) h;
        header[1] = (byte) (h >>> 8);
        header[2] = (byte) (h >>> 16);
    }
}
