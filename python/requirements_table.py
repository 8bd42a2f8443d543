"""MLflow's requirement inference for the course's models, answered once per Python environment.

`mlflow.sklearn.log_model` infers a model's pip requirements by starting a Python process that
imports MLflow and loads the model, and recording every module imported on the way: about 3.4 s
of CPU for the course's random forest, every time, in every learner's kernel. What that process
records depends only on what loading runs: the flavor, the flavor's settings in MLmodel, the
types named in the serialized model, and the installed code. So the course records the answer
for the models its lessons make, once per environment (`build`, run by the bootstrap), and a
kernel answers from that record when a model matches it exactly (`install`); anything else is
inferred by MLflow as usual. The requirements learners see are the ones MLflow would write.

    python requirements_table.py build [TABLE]
        Logs the reference models with MLflow's own inference and records its answers
        (default TABLE: <virtualenv>/course-requirements-table.json).

The table lives in the virtualenv, which learner code only ever sees read-only.
"""

import hashlib
import importlib.machinery
import json
import os
import pickletools
import sys
import tempfile
import zipfile

TABLE_NAME = "course-requirements-table.json"
FORMAT = 1
# Settings of MLflow's that change what loading a model runs.
LOADING_ENV = ("MLFLOW_ALLOW_PICKLE_DESERIALIZATION",)


def default_table_path():
    return os.path.join(sys.prefix, TABLE_NAME)


def environment_fingerprint():
    """The interpreter and every installed distribution (their metadata folders' names hold name
    and version): a new package or version means new answers."""
    prefixes = tuple({sys.prefix, sys.base_prefix})
    distributions = sorted(
        f"{folder}:{entry}"
        for folder in sys.path
        if folder and folder.startswith(prefixes) and os.path.isdir(folder)
        for entry in os.listdir(folder)
        if entry.endswith((".dist-info", ".egg-info"))
    )
    return _digest({"python": sys.version, "prefix": sys.prefix, "distributions": distributions})


def _digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _skops_types(path):
    """Every (module, class, loader) the skops file names: what loading it imports."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if "__module__" in node or "__class__" in node:
                found.add((str(node.get("__module__")), str(node.get("__class__")), str(node.get("__loader__"))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return sorted(found) + [("protocol", str(schema.get("protocol")), "")]


def _pickle_names(path):
    """Every global and every string a pickle holds (cloudpickle names modules it imports as strings)."""
    found = set()
    with open(path, "rb") as handle:
        for opcode, argument, _ in pickletools.genops(handle):
            if opcode.name == "GLOBAL" or isinstance(argument, str):
                found.add(str(argument))
    return sorted(found)


def model_key(model_path, flavor):
    """The key of what loading this model records, or None when the course does not answer for it."""
    if flavor != "sklearn" or not os.path.isfile(model_path):
        return None
    model_dir = os.path.dirname(model_path)
    try:
        import yaml

        with open(os.path.join(model_dir, "MLmodel")) as handle:
            flavors = yaml.safe_load(handle).get("flavors", {})
        settings = flavors.get("sklearn", {})
        if os.path.basename(model_path) != settings.get("pickled_model") or settings.get("code"):
            return None
        serialization = settings.get("serialization_format")
        if serialization == "skops":
            content = _skops_types(model_path)
        elif serialization in ("pickle", "cloudpickle"):
            content = _pickle_names(model_path)
        else:
            return None
    except Exception:
        return None
    return _digest({
        "format": FORMAT,
        "flavor": flavor,
        "flavors": flavors,
        "files": sorted(os.listdir(model_dir)),
        "content": content,
        "env": {name: os.environ.get(name) for name in LOADING_ENV},
    })


def _origins(modules):
    """Where each recorded top-level module would be imported from now (None: not importable)."""
    origins = {}
    for name in modules:
        if not name or "." in name:
            continue
        if name in sys.builtin_module_names:
            origins[name] = "built-in"
            continue
        try:
            spec = importlib.machinery.PathFinder.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origins[name] = None if spec is None else (spec.origin or repr(list(spec.submodule_search_locations or [])))
    return origins


class Table:
    """The recorded answers, read once; `modules_for` answers only when everything still matches."""

    def __init__(self, path):
        self.path = path
        self._entries = None

    def load(self):
        """Reads the table now (a kernel does it ahead of the first `log_model`)."""
        return bool(self._load())

    def _load(self):
        if self._entries is None:
            self._entries = {}
            try:
                with open(self.path) as handle:
                    table = json.load(handle)
                if table.get("format") == FORMAT and table.get("environment") == environment_fingerprint():
                    self._entries = table.get("entries", {})
            except (OSError, ValueError):
                pass
        return self._entries

    def modules_for(self, model_path, flavor):
        entries = self._load()
        if not entries:
            return None
        key = model_key(model_path, flavor)
        entry = entries.get(key) if key else None
        # A module of the learner's own (a file in their folder) can stand in for a recorded one.
        if entry is None or _origins(entry["modules"]) != entry["origins"]:
            return None
        return list(entry["modules"])


def install(table_path=None, requirements_utils=None):
    """Answers MLflow's requirement capture from the table when it knows the model; returns the table."""
    if requirements_utils is None:
        from mlflow.utils import requirements_utils

    original = requirements_utils._capture_imported_modules
    if getattr(original, "course_table", None):
        return original.course_table
    table = Table(table_path or default_table_path())

    def capture_imported_modules(model_uri, flavor, record_full_module=False, extra_env_vars=None):
        if not record_full_module and not extra_env_vars:
            known = table.modules_for(str(model_uri), flavor)
            if known is not None:
                capture_imported_modules.answered += 1
                return known
        return original(model_uri, flavor, record_full_module=record_full_module, extra_env_vars=extra_env_vars)

    capture_imported_modules.course_table = table
    capture_imported_modules.original = original
    capture_imported_modules.answered = 0
    requirements_utils._capture_imported_modules = capture_imported_modules
    return table


class InstallOnImport:
    """A finder on `sys.meta_path` that installs the table the moment MLflow's
    `requirements_utils` is imported, by whoever imports it first."""

    MODULE = "mlflow.utils.requirements_utils"

    def __init__(self, table_path=None):
        self.table_path = table_path

    def find_spec(self, fullname, path, target=None):
        if fullname != self.MODULE:
            return None
        # Needed once: the module is then in sys.modules.
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module
        table_path = self.table_path

        def exec_module(module):
            run_module(module)
            try:
                install(table_path, module)
            except Exception as error:
                print(f"course kernel: requirements table not used: {error}", file=sys.__stderr__)

        spec.loader.exec_module = exec_module
        return spec


def install_on_import(table_path=None):
    if "mlflow.utils.requirements_utils" in sys.modules:
        return install(table_path)
    sys.meta_path.insert(0, InstallOnImport(table_path))
    return None


def _reference_models():
    """The models the lessons make (and close cousins a learner tries), fitted as the lessons fit them."""
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    iris = load_iris(as_frame=True)
    tree = ["sklearn.tree._tree.Tree"]
    yield RandomForestClassifier(n_estimators=5, max_depth=4, random_state=7).fit(iris.data, iris.target), tree
    yield DecisionTreeClassifier(max_depth=3, random_state=7).fit(iris.data, iris.target), tree
    yield LogisticRegression(max_iter=500).fit(iris.data, iris.target), None


def build(table_path):
    import logging

    import mlflow.sklearn

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    from mlflow.utils import requirements_utils

    original = requirements_utils._capture_imported_modules
    entries = {}

    def recording_capture(model_uri, flavor, record_full_module=False, extra_env_vars=None):
        modules = original(model_uri, flavor, record_full_module=record_full_module, extra_env_vars=extra_env_vars)
        key = model_key(str(model_uri), flavor)
        if key and not record_full_module and not extra_env_vars:
            entries[key] = {"modules": sorted(modules), "origins": _origins(modules)}
        return modules

    requirements_utils._capture_imported_modules = recording_capture
    with tempfile.TemporaryDirectory() as scratch:
        for number, (model, trusted) in enumerate(_reference_models()):
            options = {"skops_trusted_types": trusted} if trusted else {}
            # The format MLflow picks by default (skops), and the one older code asks for.
            mlflow.sklearn.save_model(model, os.path.join(scratch, f"{number}-skops"), **options)
            mlflow.sklearn.save_model(model, os.path.join(scratch, f"{number}-cloudpickle"), serialization_format="cloudpickle")
    table = {"format": FORMAT, "environment": environment_fingerprint(), "entries": entries}
    partial = f"{table_path}.partial"
    with open(partial, "w") as handle:
        json.dump(table, handle, indent=1, sort_keys=True)
    os.chmod(partial, 0o644)
    os.replace(partial, table_path)
    return len(entries)


def main(argv):
    if len(argv) >= 2 and argv[1] == "build":
        path = argv[2] if len(argv) > 2 else default_table_path()
        print(f"Recorded MLflow's requirements for {build(path)} reference models in {path}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
