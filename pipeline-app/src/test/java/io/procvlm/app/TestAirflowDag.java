package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * scripts/airflow/procvlm_dag.py parses with the Python found here (python3 on PATH, else /usr/bin/python3) against a
 * stub {@code airflow} package (src/test/resources/airflow-stub, put on PYTHONPATH for this test only: Airflow is not
 * installed), and every task's spark-submit command is a valid procvlm invocation of the stage it is named after,
 * through the real picocli parser and configuration loader. Skips when no python3 is found.
 */
final class TestAirflowDag {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void everyTaskSubmitsAValidStageCommand() throws Exception {
        String python = python().orElse(null);
        Assumptions.assumeTrue(python != null, "python3 not found (PATH or /usr/bin/python3): DAG parse test skipped");
        Path stub = Path.of(TestAirflowDag.class
                        .getResource("/airflow-stub/inspect_dag.py")
                        .toURI())
                .getParent();
        Path dag = TestData.repoRoot().resolve("scripts/airflow/procvlm_dag.py");
        Path config = TestData.repoRoot().resolve("conf/demo.yaml");
        String dataset = GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString();
        String out = directory.resolve("out").toString();
        Map<String, Object> params = Map.of(
                "config",
                config.toString(),
                "out",
                out,
                "datasets",
                List.of(dataset),
                "master",
                "spark://127.0.0.1:7077",
                "jar",
                "/opt/procvlm/procvlm-spark.jar");

        JsonNode report = inspect(python, stub, dag, JSON.writeValueAsString(params));

        assertThat(report.get("dags")).hasSize(1);
        JsonNode procvlm = report.get("dags").get(0);
        assertThat(procvlm.get("dag_id").asText()).isEqualTo("procvlm");
        assertThat(fieldNames(procvlm.get("params"))).contains("config", "out", "datasets", "master", "jar");
        List<String> taskIds = new ArrayList<>();
        procvlm.get("tasks").forEach(task -> taskIds.add(task.get("task_id").asText()));
        assertThat(taskIds).as("one task per stage, in pipeline order").isEqualTo(PipelineRunner.STAGES);
        CommandLine root = new CommandLine(new ProcvlmCommand());
        assertThat(root.getSubcommands())
                .as("every task names a procvlm command")
                .containsKeys(taskIds.toArray(String[]::new));

        String previous = null;
        for (JsonNode task : procvlm.get("tasks")) {
            String stage = task.get("task_id").asText();
            assertThat(task.get("java_class").asText()).isEqualTo(Main.class.getName());
            assertThat(task.get("retries").asInt()).as("%s retries", stage).isPositive();
            assertThat(strings(task.get("upstream")))
                    .as("%s runs after", stage)
                    .isEqualTo(previous == null ? List.of() : List.of(previous));
            previous = stage;
            assertThat(task.get("env_vars").get("OPT_OUT_TRACKING").asText()).isEqualTo("true");
            assertThat(task.get("conf")
                            .get("spark.executorEnv.OPT_OUT_TRACKING")
                            .asText())
                    .isEqualTo("true");
            for (String side : List.of("driver", "executor")) {
                String options = task.get("conf")
                        .get("spark." + side + ".extraJavaOptions")
                        .asText();
                assertThat(options).contains("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true");
                for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                    if (flag.startsWith("--add-opens")) {
                        assertThat(options).as("%s %s JVM flags", stage, side).contains(flag);
                    }
                }
            }

            // The arguments built at parse time (the DAG's default params) parse as this stage's command.
            parse(stage, strings(task.get("default_application_args")));

            // Executed with the trigger's params, for every procvlm exit code.
            JsonNode executions = task.get("executions");
            List<String> command =
                    strings(executions.get(Integer.toString(ExitCodes.OK)).get("command"));
            assertThat(command.subList(0, 3)).isEqualTo(List.of("spark-submit", "--master", "spark://127.0.0.1:7077"));
            int jar = command.indexOf("/opt/procvlm/procvlm-spark.jar");
            assertThat(command.get(jar - 1)).isEqualTo(Main.class.getName());
            List<String> arguments = command.subList(jar + 1, command.size());
            Config loaded = parse(stage, arguments);
            assertThat(loaded.string(CoreConfig.OUTPUT_ROOT)).isEqualTo(out);
            if (stage.equals("index")) {
                assertThat(loaded.datasets(CoreConfig.DATASETS).stream()
                                .map(DatasetSpec::path)
                                .toList())
                        .as("index reads the trigger's datasets")
                        .containsExactly(dataset);
            }

            assertThat(outcome(executions, ExitCodes.OK)).isEqualTo("returned");
            assertThat(executions.get("0").get("xcom").isEmpty()).isTrue();
            assertThat(outcome(executions, ExitCodes.PARTIAL))
                    .as("exit 3 (partial) is a success with a warning")
                    .isEqualTo("returned");
            assertThat(executions.get("3").get("xcom").get("procvlm_outcome").asText())
                    .isEqualTo("partial");
            assertThat(outcome(executions, ExitCodes.USAGE))
                    .as("exit 2 (usage/config) fails without retries")
                    .isEqualTo("AirflowFailException");
            assertThat(outcome(executions, ExitCodes.FAILURE))
                    .as("exit 1 fails and is retried")
                    .isEqualTo("AirflowException");
        }
    }

    /** Parses {@code arguments} with procvlm's own parser and loads the configuration they describe. */
    private static Config parse(String stage, List<String> arguments) {
        ProcvlmCommand command = new ProcvlmCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult result = commandLine.parseArgs(arguments.toArray(String[]::new));
        assertThat(result.subcommand()).as("%s has a subcommand", arguments).isNotNull();
        assertThat(result.subcommand().commandSpec().name()).isEqualTo(stage);
        assertThat(result.subcommand().unmatched()).isEmpty();
        Path config = command.globals().configFile;
        if (config == null || !Files.isRegularFile(config)) {
            return null;
        }
        Config loaded = command.globals().load();
        Object user = result.subcommand().commandSpec().userObject();
        for (Class<?> type = user.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (java.lang.reflect.Field field : type.getDeclaredFields()) {
                field.setAccessible(true);
                try {
                    Object value = field.get(user);
                    if (value instanceof DatasetOptions datasets) {
                        loaded = datasets.apply(loaded);
                    } else if (value instanceof OutputOption output) {
                        loaded = output.apply(loaded);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return loaded;
    }

    private static String outcome(JsonNode executions, int exitCode) {
        return executions.get(Integer.toString(exitCode)).get("outcome").asText();
    }

    private JsonNode inspect(String python, Path stub, Path dag, String params) throws Exception {
        File stdout = directory.resolve("dag.json").toFile();
        File stderr = directory.resolve("dag.err").toFile();
        ProcessBuilder builder = new ProcessBuilder(
                        python, stub.resolve("inspect_dag.py").toString(), dag.toString(), params)
                .redirectOutput(stdout)
                .redirectError(stderr);
        builder.environment().put("PYTHONPATH", stub.toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String errors = Files.readString(stderr.toPath(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(errors).isZero();
        return JSON.readTree(stdout);
    }

    private static Optional<String> python() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process process = new ProcessBuilder(
                                candidate, "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)")
                        .redirectErrorStream(true)
                        .start();
                if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    return Optional.of(candidate);
                }
            } catch (java.io.IOException e) {
                // not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
