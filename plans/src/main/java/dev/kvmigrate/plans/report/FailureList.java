package dev.kvmigrate.plans.report;

import dev.kvmigrate.common.Markup;

/**
 * The failed VMs, each with the step that failed and its message, which names the cause and the fix (every
 * kv-migrate error does); the VM table's "failed" badges link here, and each entry links back to its row.
 */
final class FailureList {
    private FailureList() {}

    static void render(StringBuilder h, RunReport r) {
        long failed = r.count(Outcome.FAILED);
        if (failed == 0) {
            return;
        }
        h.append("<section id=\"failures\"><h2>Failures (").append(failed).append(")</h2>\n");
        for (VmReport vm : r.vms()) {
            if (vm.outcome() != Outcome.FAILED) {
                continue;
            }
            h.append("<article class=\"failure\" id=\"").append(HtmlReport.failureAnchor(vm))
                    .append("\"><h3><a href=\"#").append(HtmlReport.vmAnchor(vm)).append("\">")
                    .append(Markup.escape(vm.name())).append("</a>");
            vm.failedStep().ifPresent(s -> h.append(" <small>failed at step <code>").append(Markup.escape(s.name()))
                    .append("</code></small>"));
            h.append("</h3><p class=\"error\">").append(Markup.escape(vm.error()
                    .or(() -> vm.failedStep().flatMap(StepReport::message)).orElse("failed without a message")))
                    .append("</p>");
            vm.failedStep().flatMap(StepReport::message).filter(m -> !vm.error().orElse("").contains(m))
                    .ifPresent(m -> h.append("<p>Step message: ").append(Markup.escape(m)).append("</p>"));
            h.append("</article>\n");
        }
        h.append("</section>\n");
    }
}
