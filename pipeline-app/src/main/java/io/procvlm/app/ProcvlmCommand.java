package io.procvlm.app;

import io.procvlm.app.commands.AnnotateCommand;
import io.procvlm.app.commands.CatalogCommand;
import io.procvlm.app.commands.ConfigCommand;
import io.procvlm.app.commands.EvalCommand;
import io.procvlm.app.commands.EvalLabelsCommand;
import io.procvlm.app.commands.ExportCommand;
import io.procvlm.app.commands.FeaturesCommand;
import io.procvlm.app.commands.IndexCommand;
import io.procvlm.app.commands.LabelCommand;
import io.procvlm.app.commands.PlanCommand;
import io.procvlm.app.commands.ReportCommand;
import io.procvlm.app.commands.RunCommand;
import io.procvlm.app.commands.ShowCommand;
import io.procvlm.app.commands.StatusCommand;
import io.procvlm.app.commands.ValidateCommand;
import io.procvlm.app.commands.VqaCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code procvlm} command. */
@Command(
        name = "procvlm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Turns robot-manipulation datasets into procedure-grounded progress supervision (ProcCorpus,"
                + " ProcVQA) on Apache Spark.",
        subcommands = {
            RunCommand.class,
            IndexCommand.class,
            FeaturesCommand.class,
            AnnotateCommand.class,
            LabelCommand.class,
            VqaCommand.class,
            EvalCommand.class,
            EvalLabelsCommand.class,
            PlanCommand.class,
            ExportCommand.class,
            ShowCommand.class,
            StatusCommand.class,
            ReportCommand.class,
            ValidateCommand.class,
            CatalogCommand.class,
            ConfigCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 partial success (some episodes"
                    + " quarantined; see <out>/_manifest.json).",
            "",
            "Examples:",
            "  procvlm run --dataset path/to/lerobot-dataset --out out",
            "  procvlm run --config conf/demo.yaml --set features.flow=farneback",
            "  procvlm validate path/to/lerobot-dataset",
            "  procvlm catalog",
            "  procvlm run --datasets droid,libero --set catalog.data-root=/data --out out"
        })
public final class ProcvlmCommand implements Runnable {
    @Mixin
    GlobalOptions globals;

    @Spec
    CommandSpec spec;

    public GlobalOptions globals() {
        return globals;
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing command: run, index, features, annotate, label, vqa, report, eval-labels, status, show, validate, catalog or config");
    }
}
