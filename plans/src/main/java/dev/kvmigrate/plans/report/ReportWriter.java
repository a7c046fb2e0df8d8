package dev.kvmigrate.plans.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.io.AtomicFile;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.validate.JUnitXml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Writes a run's report in the three forms: {@code report.json}, {@code report.xml} (JUnit), {@code report.html}. */
public final class ReportWriter {
    public static final String JSON_FILE = "report.json";
    public static final String JUNIT_FILE = "report.xml";
    public static final String HTML_FILE = "report.html";
    private static final ObjectMapper JSON = Mappers.prettyJson().copy()
            .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);

    private ReportWriter() {}

    /** Writes all three into {@code dir}; returns the HTML page's path. */
    public static Path write(RunReport report, Path dir) {
        AtomicFile.write(dir.resolve(JSON_FILE), json(report));
        AtomicFile.write(dir.resolve(JUNIT_FILE), junit(report));
        Path html = dir.resolve(HTML_FILE);
        AtomicFile.write(html, HtmlReport.render(report));
        return html;
    }

    public static String json(RunReport report) {
        try {
            return JSON.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run report does not serialise", e);
        }
    }

    /** One testcase per VM (classname = plan), failed with its error, skipped when it did not run. */
    public static String junit(RunReport report) {
        List<JUnitXml.Case> cases = new ArrayList<>();
        for (VmReport vm : report.vms()) {
            Optional<JUnitXml.Failure> failure = vm.outcome() == Outcome.FAILED
                    ? Optional.of(new JUnitXml.Failure(vm.error().orElse("failed"), failedStep(vm),
                            steps(vm)))
                    : Optional.empty();
            Optional<String> skipped = switch (vm.outcome()) {
                case SKIPPED -> Optional.of("not run");
                case PENDING -> Optional.of("not finished; continue with `kv-migrate plan run --resume`");
                case DRY_RUN -> Optional.of("dry run: manifests written, nothing migrated");
                default -> Optional.empty();
            };
            cases.add(new JUnitXml.Case("kv-migrate.plan." + report.plan(), vm.name(), Optional.of(vm.seconds()),
                    failure, skipped));
        }
        return JUnitXml.render("kv-migrate plan " + report.plan(), cases);
    }

    private static String failedStep(VmReport vm) {
        return vm.failedStep().map(StepReport::name).orElse("vm");
    }

    private static String steps(VmReport vm) {
        StringBuilder s = new StringBuilder();
        for (StepReport st : vm.steps()) {
            s.append(st.name()).append(": ").append(st.state()).append(st.message().map(m -> " — " + m).orElse(""))
                    .append('\n');
        }
        return s.toString();
    }
}
