/**
 * Cells that tests and benchmarks run through the course as a learner would, when they need
 * MLflow state the lessons build (kept here once, so they change together with the lessons).
 */

/** Trains an iris forest, registers it as IrisModel in the learner's workspace and moves it to Staging; prints `staged <version>`. */
export const STAGE_IRIS_MODEL_CELL = [
  "import mlflow, mlflow.sklearn",
  "from mlflow import MlflowClient",
  "from sklearn.datasets import load_iris",
  "from sklearn.ensemble import RandomForestClassifier",
  "iris = load_iris(as_frame=True)",
  "model = RandomForestClassifier(n_estimators=5, random_state=0).fit(iris.data, iris.target)",
  "mlflow.set_experiment('Staged-Iris')",
  "with mlflow.start_run():",
  "    info = mlflow.sklearn.log_model(model, name='model', registered_model_name='IrisModel', pip_requirements=['mlflow', 'scikit-learn'], skops_trusted_types=['sklearn.tree._tree.Tree'])",
  "version = info.registered_model_version",
  "MlflowClient().transition_model_version_stage('IrisModel', version, 'Staging', archive_existing_versions=True)",
  "print('staged', version)",
].join("\n");
