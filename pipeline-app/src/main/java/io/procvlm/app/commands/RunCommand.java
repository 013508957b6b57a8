package io.procvlm.app.commands;

import io.procvlm.app.DatasetOptions;
import io.procvlm.app.ExitCodes;
import io.procvlm.app.PipelineRunner;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.app.ResumeFlags;
import io.procvlm.app.report.ReportConfig;
import io.procvlm.app.report.RunReport;
import io.procvlm.core.config.Config;
import io.procvlm.core.error.PipelineException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm run}: every stage that exists, in order. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the pipeline's stages in order (" + PipelineRunner.ALL_STAGES + ") over the configured"
                + " datasets, then write the HTML run report to <out>/report/index.html (report.enabled).",
        footer = {
            "",
            "Examples:",
            "  procvlm run --dataset ../shared/testdata/lerobot-v21-g1-pick-bottle --out out",
            "  procvlm run --config conf/demo.yaml",
            "  procvlm run --config conf/demo.yaml --stages index"
        })
public final class RunCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    DatasetOptions datasets;

    @Mixin
    ResumeFlags resumeFlags;

    @Option(
            names = "--stages",
            paramLabel = "STAGE[,STAGE...]",
            split = ",",
            description = "Stages to run, in pipeline order (default: all: ${DEFAULT-VALUE}).",
            defaultValue = PipelineRunner.ALL_STAGES)
    List<String> stages;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = resumeFlags.apply(datasets.apply(parent.globals().load()));
        List<String> ordered =
                PipelineRunner.STAGES.stream().filter(stages::contains).toList();
        for (String stage : stages) {
            if (!PipelineRunner.STAGES.contains(stage)) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "Unknown stage '" + stage + "' in --stages: the stages are "
                                + String.join(", ", PipelineRunner.STAGES));
            }
        }
        PipelineRunner runner = new PipelineRunner(
                config, spec.commandLine().getOut(), spec.commandLine().getErr());
        PipelineRunner.Result result = runner.run("run", ordered);
        if (ReportConfig.from(config).enabled()
                && (result.exitCode() == ExitCodes.OK || result.exitCode() == ExitCodes.PARTIAL)) {
            writeReport(config, result.outputRoot());
        }
        return result.exitCode();
    }

    /** The HTML report after the run ({@code report.enabled}); a report that cannot be written fails nothing. */
    private void writeReport(Config config, String outputRoot) {
        try {
            RunReport.Result report = RunReport.of(outputRoot, config).write(RunReport.folder(outputRoot));
            spec.commandLine()
                    .getOut()
                    .println("Report: " + report.index().toAbsolutePath() + " (open it in a browser; procvlm report"
                            + " writes it again)");
        } catch (PipelineException e) {
            spec.commandLine()
                    .getErr()
                    .println("The HTML report was not written: " + e.errorCode().name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // the run's tables are committed: a failure of the report (a bug) is reported, the exit code stays
            spec.commandLine().getErr().println("The HTML report was not written: INTERNAL: " + e);
        }
        spec.commandLine().getOut().flush();
    }
}
