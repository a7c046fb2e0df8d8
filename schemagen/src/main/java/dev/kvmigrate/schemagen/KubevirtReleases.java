package dev.kvmigrate.schemagen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The KubeVirt releases whose OpenAPI documents {@code ../shared/schemas/kubevirt/} holds, as its
 * {@code SOURCES.txt} lists them: one line per file, {@code swagger-vX.Y.Z.json <TAB> origin <TAB> licence}.
 */
final class KubevirtReleases {
    private static final Pattern FILE = Pattern.compile("swagger-(v\\d+\\.\\d+\\.\\d+)\\.json");

    /**
     * One release.
     *
     * @param version the release tag, e.g. {@code v1.9.0}
     * @param document the upstream swagger.json
     * @param origin repository, commit and path it was taken from
     * @param licence its licence
     */
    record Release(String version, Path document, String origin, String licence) {
        /** {@code v1.9} of {@code v1.9.0}: the bundled file is named by minor release. */
        String minor() {
            return version.substring(0, version.lastIndexOf('.'));
        }
    }

    private KubevirtReleases() {}

    /** The releases {@code dir/SOURCES.txt} lists, in its order. */
    static List<Release> read(Path dir) throws IOException {
        List<Release> releases = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("SOURCES.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\t");
            Matcher m = FILE.matcher(cells[0]);
            if (cells.length != 3 || !m.matches()) {
                throw new IllegalStateException(dir.resolve("SOURCES.txt") + ": expected 'swagger-vX.Y.Z.json<TAB>"
                        + "origin<TAB>licence', got: " + line);
            }
            releases.add(new Release(m.group(1), dir.resolve(cells[0]), cells[1], cells[2]));
        }
        return releases;
    }
}
