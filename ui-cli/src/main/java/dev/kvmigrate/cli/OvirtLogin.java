package dev.kvmigrate.cli;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.importer.source.OvirtEngine;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The oVirt engine of the import options, built once when an {@code ovirt:} source needs it; the engine session
 * (common) logs in on the first image transfer.
 */
final class OvirtLogin {
    private OvirtLogin() {}

    /** The engine session, made on first use and closed with the command. */
    interface Lazy extends Supplier<OvirtEngine>, AutoCloseable {
        @Override
        void close();
    }

    static Lazy lazy(String url, String user, Path passwordFile, Path caFile, boolean insecure) {
        return new Lazy() {
            private OvirtEngine engine;

            @Override
            public synchronized OvirtEngine get() {
                if (engine == null) {
                    engine = OvirtEngine.connect(settings(url, user, passwordFile, caFile, insecure));
                }
                return engine;
            }

            @Override
            public synchronized void close() {
                if (engine != null) {
                    engine.close();
                }
            }
        };
    }

    private static EngineSettings settings(String url, String user, Path passwordFile, Path caFile,
            boolean insecure) {
        if (url == null || user == null) {
            throw KvMigrateException.invalidInput("ovirt: sources need --ovirt https://ENGINE/ovirt-engine/api and"
                    + " --ovirt-user", null);
        }
        URI api;
        try {
            api = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw KvMigrateException.invalidInput("--ovirt " + url + " is not a URL: " + e.getMessage(), e);
        }
        Secret password = passwordFile != null ? Secret.fromFile(passwordFile)
                : Secret.fromEnvironment(EngineSettings.PASSWORD_ENV).orElseThrow(() ->
                        KvMigrateException.invalidInput("the oVirt password comes from --ovirt-password-file or the"
                                + " environment variable " + EngineSettings.PASSWORD_ENV + ", never from the command"
                                + " line", null));
        // --insecure covers every connection; an engine CA given with --ovirt-ca-file still verifies the engine.
        return EngineSettings.of(api, user, password, Optional.ofNullable(caFile), insecure && caFile == null);
    }
}
