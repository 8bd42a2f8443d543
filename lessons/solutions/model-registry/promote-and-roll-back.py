from mlflow import MlflowClient

client = MlflowClient()
champion = client.get_model_version_by_alias("IrisModel", "champion").version
challenger = client.get_model_version_by_alias("IrisModel", "challenger").version
print(f"@champion is version {champion}; @challenger is version {challenger}")

client.set_registered_model_alias("IrisModel", "previous", champion)

client.set_registered_model_alias("IrisModel", "champion", challenger)
print(f"Promoted: @champion points at version {client.get_model_version_by_alias('IrisModel', 'champion').version}")

recorded = client.get_model_version_by_alias("IrisModel", "previous").version
client.set_registered_model_alias("IrisModel", "champion", recorded)
print(f"Rolled back: @champion points at version {client.get_model_version_by_alias('IrisModel', 'champion').version}, "
      f"the version @previous recorded")
print("See it in the MLflow UI: /mlflow/#/models/IrisModel")
