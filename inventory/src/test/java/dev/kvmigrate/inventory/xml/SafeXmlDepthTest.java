package dev.kvmigrate.inventory.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.testing.SharedDir;
import java.io.StringReader;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/** Nesting is bounded while parsing: a deep document is a malformed-input error, never a StackOverflowError. */
class SafeXmlDepthTest {
    static String nested(int depth) {
        return "<r>" + "<a>".repeat(depth) + "x" + "</a>".repeat(depth) + "</r>";
    }

    @Test
    void twentyThousandLevelsAreRefusedWithTheFileNamed() {
        assertThatThrownBy(() -> SafeXml.parse(nested(20_000), "deep.xml").text())
                .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("deep.xml", "malformed XML", "deeper than 256");
                });
    }

    @Test
    void theHostileFixtureIsRefused() {
        var file = SharedDir.require("fixtures/hostile/deep-xml/web-03.xml");
        assertThatThrownBy(() -> SafeXml.parse(file)).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("web-03.xml");
    }

    @Test
    void depthUpToTheBoundReads() {
        assertThat(SafeXml.parse(nested(SafeXml.MAX_DEPTH - 1), "ok.xml").text()).contains("x");
    }

    @Test
    void streamingReaderHasTheSameBound() throws Exception {
        XMLStreamReader r = SafeXml.streamingFactory().createXMLStreamReader(new StringReader(nested(20_000)));
        assertThatThrownBy(() -> {
            while (r.hasNext()) {
                r.next();
            }
        }).isInstanceOf(XMLStreamException.class).hasMessageContaining("maxElementDepth");
    }
}
