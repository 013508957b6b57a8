"""A tiny stand-in for Apache Airflow, for parsing scripts/airflow/procvlm_dag.py in tests only (Airflow itself is
not installed here). It records the DAG, its tasks and their dependencies; nothing is scheduled or run."""

_current = []


class DAG:
    def __init__(self, dag_id, *, default_args=None, params=None, **kwargs):
        self.dag_id = dag_id
        self.default_args = dict(default_args or {})
        self.params = dict(params or {})
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
        return False


def current_dag():
    return _current[-1] if _current else None
