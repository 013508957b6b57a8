package io.procvlm.app.commands;

import io.procvlm.app.ExitCodes;
import io.procvlm.app.OutputOption;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.app.report.RunReport;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.io.Locations;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm report}: the static HTML report of a run. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write a self-contained static HTML report of a run to <out>/report/index.html (no script, nothing"
                        + " fetched: SVG charts and JPEG thumbnails inline): run summary, stages and timings, VLM usage,"
                        + " per-dataset statistics, label quality against gold subtask labels (report.gold), and for a sample"
                        + " of episodes (report.episodes-per-dataset) progress curves (default vs reference vs time-linear),"
                        + " subtask bands, boundary-frame thumbnails, plan and outcome; plus quarantine.html listing every"
                        + " quarantined episode with its reason. Reads the tables without Spark; the same run gives"
                        + " byte-identical files.",
        footer = {
            "",
            "Examples:",
            "  procvlm report --out out",
            "  procvlm report --out out --set report.episodes-per-dataset=5 --set report.gold=none"
        })
public final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = output.apply(parent.globals().load());
        String root = Locations.absolute(config.string(CoreConfig.OUTPUT_ROOT));
        RunReport.Result result = RunReport.of(root, config).write(RunReport.folder(root));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Report: %s (%d episode page(s), %d quarantined episode(s) listed)%n",
                result.index().toAbsolutePath(), result.episodePages().size(), result.quarantined());
        out.flush();
        return ExitCodes.OK;
    }
}
