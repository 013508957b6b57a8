"""procvlm on Apache Airflow: one SparkSubmitOperator task per pipeline stage (docs/airflow.md).

    index -> features -> annotate -> label -> vqa

Each task submits the shaded jar (pipeline-dist/target/procvlm-spark.jar, main class io.procvlm.app.Main) with one
procvlm stage command. The stages hand over through the output folder: `index` scans the datasets and writes
episodes/, every later stage reads the tables of `out` and writes its own.

Trigger parameters (also settable with `airflow dags trigger --conf '{...}'`):
    config    procvlm YAML configuration, readable by the driver (client mode) or shipped with --files
    out       output root: a local path on a shared file system, hdfs://... or s3a://...
    datasets  dataset roots for `index`; empty = the `datasets` list of the config file
    master    Spark master URL for every task; empty = the Spark connection's (conn_id, default spark_default)
    jar       the shaded jar as spark-submit sees it (local path, hdfs://, s3a://, or local:/// in an image)

Exit codes of procvlm (the same for every stage): 0 success; 1 failure (the task fails and Airflow retries it);
2 usage or configuration error (the task fails at once: retrying cannot help); 3 partial success: outputs were written
but some episodes were quarantined (the task succeeds, logs a warning and pushes XCom `procvlm_outcome=partial`; the
quarantined episodes are listed in <out>/_manifest.json). Spark reports the driver's exit code to spark-submit only in
client mode; in cluster mode read <out>/_manifest.json.

Environment of the Airflow workers: PROCVLM_SPARK_JAR (default for `jar`), PROCVLM_SPARK_CONN_ID (default
spark_default), PROCVLM_DAG_SCHEDULE (cron or preset, default: none, triggered by hand).
"""

from __future__ import annotations

import datetime
import os
import re

from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

STAGES = ["index", "features", "annotate", "label", "vqa"]
MAIN_CLASS = "io.procvlm.app.Main"

# The JVM flags of ../shared/STACK.md section 3 (as scripts/spark-submit passes them) and no phoning home from DJL.
JVM_FLAGS = " ".join(
    [
        "-XX:+IgnoreUnrecognizedVMOptions",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.net=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
        "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
        "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true",
        "-DOPT_OUT_TRACKING=true",
    ]
)

SPARK_CONF = {
    "spark.driver.extraJavaOptions": JVM_FLAGS,
    "spark.executor.extraJavaOptions": JVM_FLAGS,
    "spark.executorEnv.OPT_OUT_TRACKING": "true",
    "spark.executorEnv.DJL_OFFLINE": "true",
    "spark.yarn.appMasterEnv.OPT_OUT_TRACKING": "true",
    "spark.yarn.appMasterEnv.DJL_OFFLINE": "true",
    "spark.kubernetes.driverEnv.OPT_OUT_TRACKING": "true",
    "spark.kubernetes.driverEnv.DJL_OFFLINE": "true",
}

DEFAULT_PARAMS = {
    "config": "conf/procvlm.yaml",
    "out": "out",
    "datasets": [],
    "master": "",
    "jar": os.environ.get("PROCVLM_SPARK_JAR", "pipeline-dist/target/procvlm-spark.jar"),
}

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def procvlm_arguments(stage: str, params: dict) -> list[str]:
    """The procvlm command line of one stage task (what follows the jar on spark-submit's command line)."""
    if stage not in STAGES:
        raise ValueError(f"unknown procvlm stage {stage!r}; the stages are {', '.join(STAGES)}")
    arguments = [stage, "--config", str(params["config"]), "--out", str(params["out"])]
    datasets = [str(d) for d in params.get("datasets") or []]
    if stage == "index" and datasets:
        # --set datasets=a,b replaces the config's list (the same as repeating --dataset).
        arguments += ["--set", "datasets=" + ",".join(datasets)]
    return arguments


def procvlm_outcome(exit_code: int) -> str:
    """How a task treats procvlm's exit code: success, partial (success with a warning), retry, or fail (no retry)."""
    if exit_code == EXIT_OK:
        return "success"
    if exit_code == EXIT_PARTIAL:
        return "partial"
    if exit_code == EXIT_USAGE:
        return "fail"
    return "retry"


def _exit_code(error: AirflowException) -> int:
    # SparkSubmitHook raises "Cannot execute: <command>. Error code is: <n>." when spark-submit exits non-zero.
    match = re.search(r"Error code is: (\d+)", str(error))
    return int(match.group(1)) if match else EXIT_FAILURE


class ProcvlmStageOperator(SparkSubmitOperator):
    """SparkSubmitOperator for one procvlm stage: arguments from the run's params, exit codes as in procvlm_outcome."""

    def __init__(self, *, stage: str, **kwargs):
        super().__init__(
            task_id=stage,
            name=f"procvlm-{stage}",
            java_class=MAIN_CLASS,
            application=DEFAULT_PARAMS["jar"],
            application_args=procvlm_arguments(stage, DEFAULT_PARAMS),
            conf=dict(SPARK_CONF),
            env_vars={"OPT_OUT_TRACKING": "true", "DJL_OFFLINE": "true"},
            conn_id=os.environ.get("PROCVLM_SPARK_CONN_ID", "spark_default"),
            **kwargs,
        )
        self.stage = stage
        self._procvlm_master = None

    def execute(self, context):
        params = {**DEFAULT_PARAMS, **dict(context["params"])}
        self._application = str(params["jar"])
        self._application_args = procvlm_arguments(self.stage, params)
        self._procvlm_master = str(params.get("master") or "") or None
        try:
            return super().execute(context)
        except AirflowException as error:
            code = _exit_code(error)
            outcome = procvlm_outcome(code)
            if outcome == "partial":
                self.log.warning(
                    "procvlm %s: partial success (exit %d): quarantined episodes are listed in %s/_manifest.json",
                    self.stage,
                    code,
                    params["out"],
                )
                context["ti"].xcom_push(key="procvlm_outcome", value="partial")
                return None
            if outcome == "fail":
                raise AirflowFailException(
                    f"procvlm {self.stage}: usage or configuration error (exit {code}); not retried"
                ) from error
            raise

    def _get_hook(self):
        hook = super()._get_hook()
        if self._procvlm_master:
            # The params' master replaces the Spark connection's.
            hook._connection["master"] = self._procvlm_master
        return hook


with DAG(
    dag_id="procvlm",
    description="procvlm pipeline: index, features, annotate, label, vqa on Spark",
    schedule=os.environ.get("PROCVLM_DAG_SCHEDULE") or None,
    start_date=datetime.datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": datetime.timedelta(minutes=5),
        "retry_exponential_backoff": True,
    },
    params={
        "config": Param(DEFAULT_PARAMS["config"], type="string", description="procvlm YAML configuration"),
        "out": Param(DEFAULT_PARAMS["out"], type="string", description="output root (path or Hadoop URI)"),
        "datasets": Param(
            DEFAULT_PARAMS["datasets"],
            type="array",
            description="dataset roots for index; empty = the config's datasets",
        ),
        "master": Param(DEFAULT_PARAMS["master"], type="string", description="Spark master; empty = the connection's"),
        "jar": Param(DEFAULT_PARAMS["jar"], type="string", description="the shaded procvlm-spark.jar"),
    },
    tags=["procvlm", "spark"],
) as dag:
    tasks = [ProcvlmStageOperator(stage=stage) for stage in STAGES]
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream
