from mlflow import MlflowClient

client = MlflowClient()
versions = sorted(int(version.version) for version in client.search_model_versions("name = 'IrisModel'"))
newest, previous = versions[-1], versions[-2]
print(f"Newest version: {newest}; the one before it: {previous}")

client.set_registered_model_alias("IrisModel", "champion", newest)
print(f"Promoted: @champion points at version {client.get_model_version_by_alias('IrisModel', 'champion').version}")

client.set_registered_model_alias("IrisModel", "champion", previous)
print(f"Rolled back: @champion points at version {client.get_model_version_by_alias('IrisModel', 'champion').version}")
print("See it in the MLflow UI: /mlflow/#/models/IrisModel")
