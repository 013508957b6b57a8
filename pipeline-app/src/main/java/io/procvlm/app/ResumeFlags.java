package io.procvlm.app;

import io.procvlm.app.spark.ResumeOptions;
import io.procvlm.core.config.Config;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --resume/--no-resume}, {@code --retry-failed} and {@code --force}, for the commands that run stages. */
public final class ResumeFlags {
    @Option(
            names = "--resume",
            negatable = true,
            description = "Reuse work units whose fingerprint (inputs, settings, templates, model, code digest) is"
                    + " unchanged since the last run in this output folder (sets run.resume; default: true)."
                    + " --no-resume recomputes everything.")
    Boolean resume;

    @Option(
            names = "--retry-failed",
            description = "Compute quarantined units again even when nothing changed (sets run.retry-failed).")
    boolean retryFailed;

    @Option(
            names = "--force",
            arity = "0..1",
            fallbackValue = "all",
            paramLabel = "STAGE[,STAGE...]",
            split = ",",
            description = "Recompute these stages in full whatever the ledger says (all stages when no stage is"
                    + " named; sets run.force).")
    List<String> force;

    public Config apply(Config config) {
        Config result = config;
        if (resume != null) {
            result = result.with(ResumeOptions.RESUME, resume, resume ? "--resume" : "--no-resume");
        }
        if (retryFailed) {
            result = result.with(ResumeOptions.RETRY_FAILED, true, "--retry-failed");
        }
        if (force != null && !force.isEmpty()) {
            result = result.with(ResumeOptions.FORCE, List.copyOf(force), "--force");
        }
        return result;
    }
}
