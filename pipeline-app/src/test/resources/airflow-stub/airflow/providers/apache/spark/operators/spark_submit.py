"""Stand-in for airflow.providers.apache.spark.operators.spark_submit: records what the operator would submit.

`SparkSubmitOperator.simulated_exit_code` plays spark-submit's exit code: non-zero raises AirflowException with the
provider's message ("Cannot execute: <command>. Error code is: <n>.")."""

import logging

from airflow import current_dag
from airflow.exceptions import AirflowException


class _Hook:
    def __init__(self, operator):
        self._operator = operator
        self._connection = {"master": "yarn", "conn_id": operator._conn_id}
        self.command = None

    def submit(self, application):
        op = self._operator
        command = ["spark-submit", "--master", self._connection["master"]]
        for key, value in sorted((op._conf or {}).items()):
            command += ["--conf", f"{key}={value}"]
        command += ["--name", op._name, "--class", op._java_class, application]
        command += list(op._application_args or [])
        self.command = command
        SparkSubmitOperator.submitted.append(command)
        code = SparkSubmitOperator.simulated_exit_code
        if code:
            raise AirflowException(f"Cannot execute: {' '.join(command)}. Error code is: {code}.")


class SparkSubmitOperator:
    simulated_exit_code = 0
    submitted = []

    def __init__(self, *, task_id, application="", conf=None, conn_id="spark_default", java_class=None,
                 name="arrow-spark", application_args=None, env_vars=None, retries=None, **kwargs):
        self.task_id = task_id
        self._application = application
        self._conf = conf
        self._conn_id = conn_id
        self._java_class = java_class
        self._name = name
        self._application_args = application_args
        self.default_args_snapshot = list(application_args or [])
        self._env_vars = env_vars
        self.kwargs = kwargs
        self.upstream_task_ids = set()
        self.downstream_task_ids = set()
        self.log = logging.getLogger(task_id)
        self.dag = current_dag()
        if self.dag is None:
            raise RuntimeError(f"task {task_id} created outside a DAG")
        self.retries = retries if retries is not None else self.dag.default_args.get("retries", 0)
        self.dag.tasks.append(self)

    def __rshift__(self, other):
        self.downstream_task_ids.add(other.task_id)
        other.upstream_task_ids.add(self.task_id)
        return other

    def _get_hook(self):
        return _Hook(self)

    def execute(self, context):
        self._hook = self._get_hook()
        self._hook.submit(self._application)
