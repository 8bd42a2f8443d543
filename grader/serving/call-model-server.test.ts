import { describe, expect, it } from "vitest";
import { describeErrorAnswer } from "./call-model-server";

/** Error answers as MLflow 3.17.2's scoring server gives them (recorded from `mlflow models serve`). */
const answer = (status: number, json: unknown) => ({ status, text: JSON.stringify(json), json });

describe("describeErrorAnswer", () => {
  it("shows the innermost reason of a refusal by the model's signature", () => {
    const refused = answer(400, {
      error_code: "INVALID_PARAMETER_VALUE",
      message:
        "Failed to predict data '     a    b    c    d\n0  6.0  2.2  5.0  1.5'. \nError: Failed to enforce schema of data '     a    b    c    d\n0  6.0  2.2  5.0  1.5' with schema '['sepal length (cm)': double (required), 'sepal width (cm)': double (required), 'petal length (cm)': double (required), 'petal width (cm)': double (required)]'. Error: Model is missing inputs ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']. Note that there were extra inputs: ['a', 'c', 'b', 'd'].",
      error_class: "SCHEMA_ENFORCEMENT_FAILED",
    });
    expect(describeErrorAnswer(refused)).toBe(
      "400: Model is missing inputs ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']. Note that there were extra inputs: ['a', 'c', 'b', 'd'].",
    );
  });

  it("adds the exception a model without a signature raised, which only the stack trace names", () => {
    const raised = answer(400, {
      error_code: "BAD_REQUEST",
      message: "Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is compatible with the model for inference.",
      stack_trace: [
        "Traceback (most recent call last):",
        '  File "/venv/lib/python3.11/site-packages/mlflow/pyfunc/scoring_server/__init__.py", line 366, in invocations',
        "    raw_predictions = model.predict(data)",
        '  File "/venv/lib/python3.11/site-packages/sklearn/utils/validation.py", line 2868, in _check_feature_names',
        "    raise ValueError(message)",
        "ValueError: The feature names should match those that were passed during fit.",
        "Feature names must be in the same order as they were in fit.",
        "",
        "",
      ].join("\n"),
    });
    expect(describeErrorAnswer(raised)).toBe(
      "400: Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is compatible with the model for inference. " +
        "(ValueError: The feature names should match those that were passed during fit. Feature names must be in the same order as they were in fit.)",
    );
  });

  it("keeps a message without nested errors whole, and shows the text of answers that are not MLflow's", () => {
    expect(describeErrorAnswer(answer(400, { error_code: "BAD_REQUEST", message: "Invalid input. Failed to parse input data: ValueError: bad" }))).toBe(
      "400: Invalid input. Failed to parse input data: ValueError: bad",
    );
    expect(describeErrorAnswer({ status: 502, text: "<html>Bad Gateway</html>", json: undefined })).toBe("502: <html>Bad Gateway</html>");
    expect(describeErrorAnswer({ status: 500, text: "", json: undefined })).toBe("500");
  });
});
