"""Loads an Airflow DAG file against the stub `airflow` package (on PYTHONPATH) and prints, as JSON, its DAGs and
tasks, and what each task submits when executed with the params given as JSON in argv[2] for every procvlm exit code."""

import importlib.util
import json
import sys

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator


class _TaskInstance:
    def __init__(self):
        self.xcom = {}

    def xcom_push(self, key, value):
        self.xcom[key] = value


def main():
    spec = importlib.util.spec_from_file_location("procvlm_dag", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run_params = json.loads(sys.argv[2])
    result = {"dags": []}
    for dag in [value for value in vars(module).values() if isinstance(value, DAG)]:
        entry = {
            "dag_id": dag.dag_id,
            "params": {name: getattr(param, "value", param) for name, param in dag.params.items()},
            "default_args": {k: str(v) for k, v in dag.default_args.items()},
            "tasks": [],
        }
        for task in dag.tasks:
            executions = {}
            for code in (0, 1, 2, 3):
                SparkSubmitOperator.simulated_exit_code = code
                SparkSubmitOperator.submitted.clear()
                ti = _TaskInstance()
                try:
                    task.execute({"params": dict(run_params), "ti": ti})
                    outcome = "returned"
                except Exception as error:  # what Airflow would see
                    outcome = type(error).__name__
                executions[str(code)] = {
                    "outcome": outcome,
                    "xcom": ti.xcom,
                    "command": SparkSubmitOperator.submitted[-1] if SparkSubmitOperator.submitted else None,
                }
            entry["tasks"].append(
                {
                    "task_id": task.task_id,
                    "retries": task.retries,
                    "java_class": task._java_class,
                    "application": task._application,
                    "default_application_args": task.default_args_snapshot,
                    "conf": task._conf,
                    "env_vars": task._env_vars,
                    "upstream": sorted(task.upstream_task_ids),
                    "executions": executions,
                }
            )
        result["dags"].append(entry)
    print(json.dumps(result, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
