"""What lessons 2 to 4 leave in a learner's workspace, made quickly for bench/heavy-lessons.ts:
IrisModel version 1 (no signature) in Staging and @champion, version 2 (with a signature)
@challenger. One Python for every workspace named on the command line (importing MLflow costs
seconds); MLFLOW_TRACKING_URI comes from the environment.

    python bench/seed_heavy_lessons.py WORKSPACE...
"""

import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow  # noqa: E402
import mlflow.sklearn  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402

TRUSTED = ["sklearn.tree._tree.Tree"]
# Named, so MLflow does not infer them in a subprocess per model.
REQUIREMENTS = ["mlflow", "scikit-learn"]


def seed(workspace, iris, model):
    mlflow.set_workspace(workspace)
    client = MlflowClient()
    mlflow.set_experiment("Tracking-Exercise")
    with mlflow.start_run():
        plain = mlflow.sklearn.log_model(model, name="model", registered_model_name="IrisModel", skops_trusted_types=TRUSTED, pip_requirements=REQUIREMENTS)
        signed = mlflow.sklearn.log_model(model, name="challenger", registered_model_name="IrisModel", skops_trusted_types=TRUSTED, pip_requirements=REQUIREMENTS, input_example=iris.data.head(3))
    client.transition_model_version_stage("IrisModel", plain.registered_model_version, "Staging")
    client.set_registered_model_alias("IrisModel", "champion", plain.registered_model_version)
    client.set_registered_model_alias("IrisModel", "challenger", signed.registered_model_version)


def main(workspaces):
    iris = load_iris(as_frame=True)
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(iris.data, iris.target)
    for workspace in workspaces:
        seed(workspace, iris, model)
    print(f"seeded {len(workspaces)} workspaces")


if __name__ == "__main__":
    main(sys.argv[1:])
