import mlflow
from pyspark.sql.functions import struct


def predict_label_with_mlflow_udf(spark, df):
    """Return `df` with one more column, `predicted_label`: the class that the registered
    model `models:/IrisModel/Staging` predicts for each row, computed by a Spark UDF.

    `spark` is the SparkSession; `df` is a Spark DataFrame with the four iris feature
    columns ("sepal length (cm)", "sepal width (cm)", "petal length (cm)",
    "petal width (cm)").
    """
    predict = mlflow.pyfunc.spark_udf(
        spark, "models:/IrisModel/Staging", env_manager="local", result_type="long"
    )
    # struct(...) hands the model a DataFrame with the columns' names: the model has no
    # signature, and scikit-learn checks the names it was trained with.
    return df.withColumn("predicted_label", predict(struct(*df.columns)))
