package dev.kvmigrate.plans.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.storage.ClusterStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the target cluster told a conversion: GPU facts (KubeVirt CR, nodes, DRA) and storage facts
 * (StorageProfiles, CDIConfig overhead, default class). Empty where the cluster was not asked or did not answer.
 *
 * <p>Scale-out pods convert the plan again from the source, but must convert it exactly as the workstation did: the
 * facts it read are carried to them in the plan's ConfigMap ({@code cluster-facts.json}), because a pod's service
 * account may read only namespaced objects (no ClusterRole), and StorageProfiles, CDIConfig, nodes and the KubeVirt
 * CR are cluster-scoped or in other namespaces.
 */
public record ConversionFacts(Optional<ClusterGpus> gpus, Optional<ClusterStorage> storage) {
    public static final ConversionFacts NOTHING = new ConversionFacts(Optional.empty(), Optional.empty());
    private static final ObjectMapper JSON = Mappers.json();

    public ConversionFacts {
        gpus = Objects.requireNonNullElse(gpus, Optional.empty());
        storage = Objects.requireNonNullElse(storage, Optional.empty());
    }

    /** The facts a prepared plan was converted with. */
    public static ConversionFacts of(PlanConversion.Prepared p) {
        return new ConversionFacts(p.cluster(), p.storage());
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write cluster facts as JSON", e);
        }
    }

    public static ConversionFacts parse(String json, String where) {
        try {
            return JSON.readValue(json, ConversionFacts.class);
        } catch (IOException | RuntimeException e) {
            throw KvMigrateException.invalidInput("cluster facts " + where + " are not what `plan run --executor"
                    + " kubernetes` writes: " + e.getMessage() + "; submit the plan again");
        }
    }

    /** Reads a facts file ({@code plan run --cluster-facts}). */
    public static ConversionFacts read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw KvMigrateException.invalidInput("cannot read cluster facts " + file + ": " + e.getMessage());
        }
    }
}
