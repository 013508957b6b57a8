package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, version, usage errors and configuration errors: nothing here starts Spark. */
final class TestCommandLine {
    @TempDir
    Path directory;

    @Test
    void helpOnEveryCommand() {
        Cli.Result top = Cli.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out())
                .contains("Usage: procvlm", "run", "index", "features", "validate", "config", "Exit codes");
        for (String command : new String[] {
            "run",
            "index",
            "features",
            "annotate",
            "label",
            "vqa",
            "show",
            "eval",
            "eval-labels",
            "report",
            "export",
            "plan",
            "validate",
            "catalog",
            "config"
        }) {
            Cli.Result help = Cli.run(command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: procvlm " + command, "--config", "--set");
        }
        assertThat(Cli.run("run", "--help").out()).contains("--dataset", "--datasets", "--format", "--out", "--stages");
        assertThat(String.join(",", PipelineRunner.STAGES)).isEqualTo(PipelineRunner.ALL_STAGES);
    }

    /** Every --help renders without a picocli warning (an unescaped % in a description is one). */
    @Test
    void noPicocliWarningOnAnyHelp() throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(Cli.inNewJvm(java.util.List.of()));
        command.set(command.indexOf(Main.class.getName()), HelpRenderer.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(line -> line.startsWith("command=")))
                .as(output)
                .hasSizeGreaterThan(15)
                .allMatch(line -> line.contains(" exit=0 ") && !line.endsWith(" chars=0"));
        assertThat(output).as(output).contains("command=eval-labels exit=0").doesNotContain("picocli WARN", "err: ");
        String stderr = output.substring(output.indexOf("stderr-begin"), output.indexOf("stderr-end"));
        assertThat(stderr).as("stderr while rendering every --help").doesNotContain("picocli", "WARN");
        assertThat(Cli.run("eval-labels", "--help").out().replaceAll("\\s+", " "))
                .contains("BF1@5% (the reference's tolerance)");
    }

    @Test
    void version() {
        Cli.Result version = Cli.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("procvlm ").contains("Spark 4.2.0");
    }

    @Test
    void usageErrorsExitWith2() {
        Cli.Result none = Cli.run();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("Missing command");
        Cli.Result unknownOption = Cli.run("run", "--datset", "x");
        assertThat(unknownOption.exitCode()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown options: '--datset'", "Possible solutions: --dataset");
        Cli.Result unknownCommand = Cli.run("annotate-everything");
        assertThat(unknownCommand.exitCode()).isEqualTo(2);
        Cli.Result badStage = Cli.run("run", "--dataset", "x", "--stages", "index,grounding");
        assertThat(badStage.exitCode()).isEqualTo(2);
        assertThat(badStage.err()).contains("Unknown stage 'grounding' in --stages: the stages are index, features");
        Cli.Result missingPath = Cli.run("validate");
        assertThat(missingPath.exitCode()).isEqualTo(2);
        assertThat(missingPath.err()).contains("Missing required parameter: 'PATH'");
    }

    @Test
    void configurationErrorsNameKeyAndValue() throws Exception {
        Cli.Result unknown = Cli.run("run", "--dataset", "x", "--set", "features.flw=dis");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err())
                .contains("Error [CONFIG_UNKNOWN_KEY]: Unknown configuration key 'features.flw' (from --set); did you"
                        + " mean 'features.flow'?");
        Cli.Result bad = Cli.run("run", "--dataset", "x", "--set", "features.working-width=-3");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("Invalid value '-3' for configuration key 'features.working-width' (from --set)");
        Path config = directory.resolve("bad.yaml");
        Files.writeString(config, "video:\n  decoder-threads: many\n");
        Cli.Result file = Cli.run("--config", config.toString(), "run", "--dataset", "x");
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err())
                .contains("Invalid value 'many' for configuration key 'video.decoder-threads' (from " + config + ")");
        Cli.Result missing =
                Cli.run("run", "--config", directory.resolve("absent.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("CONFIG_UNREADABLE");
        Cli.Result noDatasets = Cli.run("run", "--out", directory.resolve("out").toString());
        assertThat(noDatasets.exitCode()).isEqualTo(2);
        assertThat(noDatasets.err()).contains("No datasets to read: give --dataset PATH");
    }

    @Test
    void configCommandShowsEffectiveValuesAndKeys() {
        Cli.Result effective = Cli.run("config", "--set", "features.flow=farneback");
        assertThat(effective.exitCode()).isZero();
        assertThat(effective.out())
                .contains("features.flow = farneback    # --set")
                .contains("spark.master = local[*]    # default");
        Cli.Result describe = Cli.run("config", "--describe");
        assertThat(describe.out()).contains("features.flow (dis|farneback|none, default: dis)");
        for (var property : AppConfig.schema().properties()) {
            assertThat(describe.out()).contains(property.key() + " (");
        }
    }
}
