import mlflow
from mlflow import MlflowClient

client = MlflowClient()

runs = mlflow.search_runs(
    experiment_names=["Tracking-Exercise"],
    filter_string="tags.`notebook-type` = 'exercise' AND attributes.status = 'FINISHED'",
    order_by=["start_time DESC"],
    output_format="list",
)
# The newest run that logged a model: a run that stopped before log_model has no model outputs.
latest_run = next(run for run in runs if run.outputs and run.outputs.model_outputs)

model_id = latest_run.outputs.model_outputs[0].model_id

model_version = mlflow.register_model(f"models:/{model_id}", "IrisModel")

client.transition_model_version_stage(
    "IrisModel", model_version.version, "Staging", archive_existing_versions=True
)

print(f"IrisModel version {model_version.version} (logged model {model_id}) is now in Staging")
print("See it in the MLflow UI: /mlflow/#/models/IrisModel")
