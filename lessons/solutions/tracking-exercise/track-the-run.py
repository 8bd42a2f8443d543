import mlflow
from sklearn.metrics import accuracy_score

mlflow.set_experiment("Tracking-Exercise")

mlflow.end_run()  # closes a run left open by an earlier attempt; does nothing otherwise
with mlflow.start_run() as run:
    mlflow.set_tag("notebook-type", "exercise")

    X_train.assign(target=y_train).to_csv("train.csv", index=False)
    mlflow.log_artifact("train.csv", artifact_path="input_data")

    mlflow.log_param("num_trees", n_estimators)

    model.fit(X_train, y_train)
    predictions = model.predict(X_test)
    accuracy = accuracy_score(y_test, predictions)

    mlflow.sklearn.log_model(model, name="model", skops_trusted_types=["sklearn.tree._tree.Tree"])

    mlflow.log_metric("accuracy", accuracy)

    X_test.assign(target=y_test, prediction=predictions).to_csv("predictions.csv", index=False)
    mlflow.log_artifact("predictions.csv", artifact_path="output_data")

print(f"Run {run.info.run_id} finished with accuracy {accuracy:.3f}")
print(f"See it in the MLflow UI: /mlflow/#/experiments/{run.info.experiment_id}/runs/{run.info.run_id}")
