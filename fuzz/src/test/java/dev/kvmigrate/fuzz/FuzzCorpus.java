package dev.kvmigrate.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * For bench/fuzz: writes each target's seeds (from ../shared/fixtures and this repository, plus the committed
 * findings) into {@code OUT/<TARGET>/seeds/} and prints one line per target, {@code NAME CLASS SEEDS}. The seeds are
 * copied into the build output at run time, never committed.
 */
public final class FuzzCorpus {
    private FuzzCorpus() {}

    public static void main(String[] args) throws IOException {
        Path repo = Path.of(args[0]).toAbsolutePath().normalize();
        Path out = Path.of(args[1]).toAbsolutePath().normalize();
        Path shared = repo.resolve("../shared/fixtures").normalize();
        List<String> only = List.of(args).subList(2, args.length);
        for (FuzzTargets t : FuzzTargets.values()) {
            if (!only.isEmpty() && !only.contains(t.name())) {
                continue;
            }
            Path seeds = Files.createDirectories(out.resolve(t.name()).resolve("seeds"));
            List<Path> inputs = new java.util.ArrayList<>(t.seeds(repo, shared));
            inputs.addAll(t.findings(repo));
            int i = 0;
            for (Path p : inputs) {
                Files.copy(p, seeds.resolve(String.format("%05d-%s", i++, p.getFileName())),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            System.out.println(t.name() + " " + t.target().getName() + " " + inputs.size());
        }
    }
}
