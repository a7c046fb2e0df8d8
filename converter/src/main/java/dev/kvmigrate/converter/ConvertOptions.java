package dev.kvmigrate.converter;

import java.util.Objects;
import java.util.Optional;

/**
 * Choices that are not per-resource mappings.
 *
 * @param namespace target namespace written into every object, when given (else kubectl's current namespace)
 * @param plan plan name recorded in an annotation, when converting for a plan
 * @param imageio pull oVirt disks with CDI's imageio source from this engine instead of uploading them
 * @param emitInstancetypes write one instancetype + preference per distinct shape instead of inline sizing
 */
public record ConvertOptions(Optional<String> namespace, Optional<String> plan, Optional<Imageio> imageio,
        boolean emitInstancetypes) {
    public static final ConvertOptions DEFAULTS = new ConvertOptions(Optional.empty(), Optional.empty(),
            Optional.empty(), false);

    /**
     * CDI imageio source settings.
     *
     * @param url the engine API URL, {@code https://engine/ovirt-engine/api}
     * @param secretRef Secret holding {@code accessKeyId}/{@code secretKey} (user/password)
     * @param certConfigMap ConfigMap holding the engine CA, when not publicly trusted
     */
    public record Imageio(String url, String secretRef, Optional<String> certConfigMap) {
        public Imageio {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(secretRef, "secretRef");
            certConfigMap = Objects.requireNonNullElse(certConfigMap, Optional.empty());
        }
    }

    public ConvertOptions {
        namespace = Objects.requireNonNullElse(namespace, Optional.empty());
        plan = Objects.requireNonNullElse(plan, Optional.empty());
        imageio = Objects.requireNonNullElse(imageio, Optional.empty());
    }
}
