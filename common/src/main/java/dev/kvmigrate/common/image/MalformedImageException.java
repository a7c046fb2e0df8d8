package dev.kvmigrate.common.image;

import java.io.IOException;

/**
 * An image header that contradicts its format or itself: an absurd size, a table outside the file, a feature
 * kv-migrate cannot vouch for. The message names the format and the field; it is meant for the person at the
 * terminal, so callers quote it after the image's name.
 */
public final class MalformedImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedImageException(String message) {
        super(message);
    }
}
