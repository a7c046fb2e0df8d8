package dev.kvmigrate.cli;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.source.OvirtEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** Builds the oVirt engine login from the import options, once, when an {@code ovirt:} source needs it. */
final class OvirtLogin {
    private OvirtLogin() {}

    static Supplier<OvirtEngine> lazy(String url, String user, Path passwordFile, Path caFile, boolean insecure) {
        return new Supplier<>() {
            private OvirtEngine engine;

            @Override
            public synchronized OvirtEngine get() {
                if (engine == null) {
                    engine = login(url, user, passwordFile, caFile, insecure);
                }
                return engine;
            }
        };
    }

    private static OvirtEngine login(String url, String user, Path passwordFile, Path caFile, boolean insecure) {
        HttpUrl api = url == null ? null : HttpUrl.parse(url);
        if (api == null || user == null) {
            throw KvMigrateException.invalidInput("ovirt: sources need --ovirt https://ENGINE/ovirt-engine/api and"
                    + " --ovirt-user", null);
        }
        char[] password = password(passwordFile);
        java.util.Optional<String> ca = java.util.Optional.empty();
        if (caFile != null) {
            try {
                ca = java.util.Optional.of(Files.readString(caFile));
            } catch (IOException e) {
                throw KvMigrateException.io("--ovirt-ca-file " + caFile + " is not readable", e);
            }
        }
        OkHttpClient.Builder http = dev.kvmigrate.importer.Tls.configure(new OkHttpClient.Builder()
                .readTimeout(java.time.Duration.ofMinutes(10)), ca, insecure, "--ovirt-ca-file " + caFile);
        return OvirtEngine.login(api, http.build(), user, password);
    }

    private static char[] password(Path file) {
        if (file != null) {
            try {
                return Files.readString(file).strip().toCharArray();
            } catch (IOException e) {
                throw KvMigrateException.io("--ovirt-password-file " + file + " is not readable", e);
            }
        }
        String env = System.getenv("KV_MIGRATE_OVIRT_PASSWORD");
        if (env == null) {
            throw KvMigrateException.invalidInput("the oVirt password comes from --ovirt-password-file or the"
                    + " environment variable KV_MIGRATE_OVIRT_PASSWORD, never from the command line", null);
        }
        return env.toCharArray();
    }
}
