package io.procvlm.app;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import picocli.CommandLine.Option;

/** {@code --out}, for commands that only read and write the output folder. */
public final class OutputOption {
    @Option(
            names = {"-o", "--out"},
            paramLabel = "DIR",
            description = "Output root folder (sets output.root; default: out).")
    String out;

    public Config apply(Config config) {
        return out == null ? config : config.with(CoreConfig.OUTPUT_ROOT, out, "--out");
    }
}
