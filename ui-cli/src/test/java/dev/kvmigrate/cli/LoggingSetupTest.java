package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The CLI's slf4j-simple setup: fabric8's unstable-version warnings (one per CDI v1beta1 kind) stay quiet. */
class LoggingSetupTest {
    static final String KEY = KvMigrate.SIMPLE_LOGGER_PREFIX + KvMigrate.FABRIC8_VERSION_USAGE;

    @AfterEach
    void reset() {
        KvMigrate.configureLogging(new String[0]);
    }

    @Test
    void fabric8VersionUsageWarningsAreOffUnlessDebugging() {
        KvMigrate.configureLogging(new String[] {"import", "disk.raw"});
        assertThat(System.getProperty(KEY)).isEqualTo("off");
        assertThat(LoggerFactory.getLogger(KvMigrate.FABRIC8_VERSION_USAGE).isWarnEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("dev.kvmigrate.importer.sink.CdiVolume").isWarnEnabled()).isTrue();

        KvMigrate.configureLogging(new String[] {"import", "--debug", "disk.raw"});
        assertThat(System.getProperty(KEY)).isEqualTo("debug");
    }
}
