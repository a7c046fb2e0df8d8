package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.format.ZeroBlocks;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** See {@link Checksum#SHA256}. */
final class Sha256Digest implements ContentDigest {
    private final MessageDigest md;
    private String result;

    Sha256Digest() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    @Override
    public void data(long offset, byte[] buf, int off, int len) {
        md.update(buf, off, len);
    }

    @Override
    public void zeros(long offset, long length) {
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(ZeroBlocks.BLOCK, left);
            md.update(ZeroBlocks.zeros(), 0, n);
            left -= n;
        }
    }

    @Override
    public synchronized String finish() {
        if (result == null) {
            result = Checksum.SHA256.label() + ":" + HexFormat.of().formatHex(md.digest());
        }
        return result;
    }
}
