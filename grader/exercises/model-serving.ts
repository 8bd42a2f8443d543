import { failed, passed, type Outcome } from "../checks/check-spec";
import { code } from "../checks/format-names";
import { once } from "../checks/once";
import { PlatformError } from "../platform-error";
import { callModelServer, describeErrorAnswer, type ServerAnswer } from "../serving/call-model-server";
import { computeExpectedPredictions, type ExpectedPredictions } from "../serving/compute-expected-predictions";
import { IRIS_COLUMNS, IRIS_ROWS } from "../serving/iris-rows";
import { readPredictions, type PredictionsReading } from "../serving/read-predictions";
import { defineExercise, type GradingContext } from "./exercise";
import { MODEL_NAME, STAGE } from "./model-registry";

/**
 * The serving exercise: the learner runs `mlflow models serve` for
 * `models:/IrisModel/Staging`; the grader scores two iris rows through it in
 * both request forms and compares with what MLflow itself predicts.
 */
export const MODEL_URI = `models:/${MODEL_NAME}/${STAGE}`;

export const INPUTS_BODY = { inputs: IRIS_ROWS };
export const DATAFRAME_SPLIT_BODY = { dataframe_split: { columns: IRIS_COLUMNS, data: IRIS_ROWS } };

class ServingState {
  readonly ping: () => Promise<ServerAnswer>;
  readonly inputsAnswer: () => Promise<ServerAnswer>;
  readonly splitAnswer: () => Promise<ServerAnswer>;
  readonly expected: () => Promise<ExpectedPredictions>;

  constructor(readonly context: GradingContext) {
    const url = (context.modelServerUrl ?? "").replace(/\/+$/, "");
    const options = { timeoutMs: context.modelServerTimeoutMs };
    this.ping = once(() => callModelServer(`${url}/ping`, { method: "GET" }, options));
    this.inputsAnswer = once(() => callModelServer(`${url}/invocations`, { method: "POST", body: INPUTS_BODY }, options));
    this.splitAnswer = once(() => callModelServer(`${url}/invocations`, { method: "POST", body: DATAFRAME_SPLIT_BODY }, options));
    this.expected = once(() => {
      if (!context.pythonBin) throw new PlatformError("the grader has no Python configured to load the model with MLflow");
      return computeExpectedPredictions({
        pythonBin: context.pythonBin,
        trackingUri: context.client.baseUrl,
        workspace: context.client.workspace,
        modelUri: MODEL_URI,
        rows: IRIS_ROWS,
        columns: IRIS_COLUMNS,
        timeoutMs: context.pythonTimeoutMs,
        launcher: context.launcher,
      });
    });
  }

  get serverUrl(): string {
    return (this.context.modelServerUrl ?? "").replace(/\/+$/, "");
  }
}

export const servingMessages = {
  notStarted: () => `no model server of yours is running: start your model server with ${code("Start")} in the Serve panel of the serving lesson, wait until it says Ready, then Check again`,
  down: (url: string, reason: string) => `no model server running at ${url} (${reason})`,
  timeout: (url: string, what: string, ms: number) => `the model server at ${url} did not answer ${what} within ${Math.round(ms / 1000)} s`,
  pingStatus: (url: string, answer: string) => `the server at ${url} answered ${answer} to ${code("GET /ping")}; an MLflow model server answers 200`,
  pingOk: (url: string) => `a model server answers at ${url}`,
  rejected: (form: string, answer: string) => `the server rejected the ${code(form)} request: ${answer}`,
  badAnswer: (form: string, problem: string) => `${code(form)} request: ${problem}`,
  predicted: (form: string, predictions: number[]) => `${code(form)} request: predictions ${code(JSON.stringify(predictions))}`,
  noStaging: () =>
    `no version of ${code(MODEL_NAME)} is in stage ${code(STAGE)}, so there is nothing to compare the server with; finish the model-registry exercise first`,
  mismatch: (form: string, found: number[], expected: unknown[], version: string | undefined) =>
    `the server predicts ${code(JSON.stringify(found))} for the ${code(form)} request, but ${code(MODEL_URI)}${version ? ` (version ${version})` : ""} predicts ${code(JSON.stringify(expected))}`,
  match: (expected: unknown[], version: string | undefined) =>
    `the server's predictions equal those of ${code(MODEL_URI)}${version ? ` (version ${version})` : ""}: ${code(JSON.stringify(expected))}`,
};

/**
 * The hint kind of a miss. Graded from the course, the learner's server is the Serve panel's, so
 * the hints say what to press there (kinds `panel`, `panel-<kind>`); graded from the CLI, they
 * show the `mlflow models serve` command. `notStarted` happens only in the course.
 */
function hintKind(state: ServingState, kind?: string): string | undefined {
  if (state.context.modelServerControl !== "serve-panel" || kind === "notStarted") return kind;
  return kind === undefined ? "panel" : `panel-${kind}`;
}

async function evaluateInvocation(state: ServingState, form: string, answer: ServerAnswer): Promise<{ outcome: Outcome; reading?: PredictionsReading }> {
  const url = state.serverUrl;
  if (answer.kind === "down") return { outcome: failed(servingMessages.down(url, answer.reason), { hintKind: hintKind(state, "down") }) };
  if (answer.kind === "timeout") {
    return { outcome: failed(servingMessages.timeout(url, code(`POST /invocations`), state.context.modelServerTimeoutMs), { hintKind: hintKind(state, "down") }) };
  }
  if (answer.status !== 200) return { outcome: failed(servingMessages.rejected(form, describeErrorAnswer(answer)), { hintKind: hintKind(state, "rejected") }) };
  const reading = readPredictions(answer.json, IRIS_ROWS.length);
  if (!reading.ok) return { outcome: failed(servingMessages.badAnswer(form, reading.problem), { hintKind: hintKind(state) }), reading };
  return { outcome: passed(servingMessages.predicted(form, reading.predictions)), reading };
}

const pingHints = {
  default: [
    "Start a model server for the staged model on the port this check uses, leave it running, then check again (the lesson shows the command).",
    "`mlflow models serve -m <model URI> -p <port>` starts it; use the stage URI `models:/IrisModel/Staging`, and `--env-manager local` so it uses the course's Python.",
    "In a terminal where `MLFLOW_TRACKING_URI` points at the course's MLflow, run `mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local`.",
  ],
  notStarted: [
    "The Check grades your own model server, the one the Serve panel starts: open the serving lesson and press Start.",
    "In the Serve panel keep the model URI `models:/IrisModel/Staging`, press Start and wait for Ready; a server started another way (from a cell or a terminal) is not the one the Check grades.",
    "If Start fails, the Serve panel's log says why (most often: no version of IrisModel is in Staging yet; finish the model-registry exercise first).",
  ],
  down: [
    "Nothing answers at that address: start the model server (the lesson shows the command), keep it running, and check again.",
    "`mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local` starts one; it needs `MLFLOW_TRACKING_URI` to find the registry.",
    "Run `MLFLOW_TRACKING_URI=http://127.0.0.1:5000 mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local`, wait for “Uvicorn running”, then check.",
  ],
  panel: [
    "Something answers at your model server's address, but not as an MLflow model server does: start your server again from the Serve panel.",
    "In the serving lesson's Serve panel, keep the model URI `models:/IrisModel/Staging`, press Start and wait for Ready.",
    "Press Start in the Serve panel again (starting again replaces your server) with `models:/IrisModel/Staging`; when it says Ready, press Check.",
  ],
  "panel-down": [
    "Your model server does not answer: open the serving lesson, press Start in its Serve panel, and check again once it says Ready.",
    "The Serve panel runs `mlflow models serve` for you against the course's MLflow: keep the model URI `models:/IrisModel/Staging`, press Start and wait for Ready. If it stops, its log says why.",
    "In the Serve panel: model URI `models:/IrisModel/Staging`, press Start, wait for Ready, then press Check while it runs (the course stops it after half an hour without requests).",
  ],
} as const;

/** Hints of the request checks, graded from the course: every fix is made in the Serve panel. */
const panelRequestHints = {
  panel: [
    "Your server answered, but not with one iris class per row: make sure the Serve panel serves the iris classifier from the registry.",
    "In the Serve panel, the model URI must be `models:/IrisModel/Staging`; an MLflow model server answers `{\"predictions\": [...]}` with one class (0, 1 or 2) per row.",
    "Set the Serve panel's model URI to `models:/IrisModel/Staging`, press Start (it replaces your server), wait for Ready and check again.",
  ],
  "panel-down": pingHints["panel-down"],
} as const;

export const modelServing = defineExercise<ServingState>({
  id: "model-serving",
  title: "Model serving",
  createState: (context) => new ServingState(context),
  checks: [
    {
      id: "server-answers-ping",
      title: "A model server answers `/ping`",
      hints: pingHints,
      async evaluate(state) {
        if (state.context.modelServerUrl === null) return failed(servingMessages.notStarted(), { hintKind: "notStarted" });
        const answer = await state.ping();
        const url = state.serverUrl;
        if (answer.kind === "down") return failed(servingMessages.down(url, answer.reason), { hintKind: hintKind(state, "down") });
        if (answer.kind === "timeout") return failed(servingMessages.timeout(url, code("GET /ping"), state.context.modelServerTimeoutMs), { hintKind: hintKind(state, "down") });
        if (answer.status !== 200) return failed(servingMessages.pingStatus(url, describeErrorAnswer(answer)), { hintKind: hintKind(state) });
        return passed(servingMessages.pingOk(url));
      },
    },
    {
      id: "invocations-inputs",
      title: "`POST /invocations` with `inputs` predicts two iris classes",
      requires: ["server-answers-ping"],
      hints: {
        default: [
          "The server answered, but not with one iris class per row: make sure it serves the iris classifier from the registry.",
          "Serve `models:/IrisModel/Staging`; an MLflow model server answers `{\"predictions\": [...]}` with one class (0, 1 or 2) per row.",
          "Restart the server with `mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local` and check again.",
        ],
        rejected: [
          "The server refused plain rows of numbers. A model logged with a signature (named, typed columns) accepts only requests that name the columns.",
          "The signature comes from `input_example=` in `mlflow.sklearn.log_model`; the course logs the model without one, so that plain rows work.",
          'Log the model again without `input_example=` (`mlflow.sklearn.log_model(model, name="model", skops_trusted_types=[...])`), register and stage the new version, and restart the server.',
        ],
        down: pingHints.down,
        ...panelRequestHints,
        "panel-rejected": [
          "Your server refused plain rows of numbers. A model logged with a signature (named, typed columns) accepts only requests that name the columns.",
          "The signature comes from `input_example=` in `mlflow.sklearn.log_model`; the course logs the model without one, so that plain rows work.",
          'Log the model again without `input_example=`, register and stage the new version, then press Start in the Serve panel again (with `models:/IrisModel/Staging`) so that it serves that version.',
        ],
      },
      async evaluate(state) {
        return (await evaluateInvocation(state, "inputs", await state.inputsAnswer())).outcome;
      },
    },
    {
      id: "invocations-dataframe-split",
      title: "`POST /invocations` with `dataframe_split` predicts two iris classes",
      requires: ["server-answers-ping"],
      hints: {
        default: [
          "The server answered the named-column form, but not with one iris class per row.",
          "A `dataframe_split` request names the four iris columns; the model must accept them and answer one class per row.",
          "Serve `models:/IrisModel/Staging` with `mlflow models serve ... --env-manager local` and check again.",
        ],
        rejected: [
          "The server refused the named-column form of the same two rows.",
          "Look at the server's message: a model whose signature uses other column names rejects the iris names.",
          "Log the model without a custom signature (or with one inferred from the iris data), register and stage it, and restart the server.",
        ],
        down: pingHints.down,
        ...panelRequestHints,
        "panel-rejected": [
          "Your server refused the named-column form of the same two rows.",
          "Look at the server's message (and the Serve panel's log): a model whose signature uses other column names rejects the iris names.",
          "Log the model without a custom signature (or with one inferred from the iris data), register and stage it, then press Start in the Serve panel again.",
        ],
      },
      async evaluate(state) {
        return (await evaluateInvocation(state, "dataframe_split", await state.splitAnswer())).outcome;
      },
    },
    {
      id: "predictions-match-staging",
      title: "Predictions equal those of `models:/IrisModel/Staging`",
      requires: ["invocations-inputs"],
      hints: {
        default: [
          "The server runs a different model from the one in `Staging`. A model server loads its model once, at start.",
          "Restart the server after you change which version is in `Staging`, with the URI `models:/IrisModel/Staging`.",
          "Stop the server (Ctrl-C) and run `mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local` again.",
        ],
        noStaging: [
          "This comparison needs a version of `IrisModel` in stage `Staging`: finish the model-registry exercise first.",
          "Transition a version of `IrisModel` to `Staging` (see the model-registry lesson), then restart the server.",
          'Run `MlflowClient().transition_model_version_stage("IrisModel", <version>, "Staging")`, restart the server, and check again.',
        ],
        panel: [
          "Your server runs a different model from the one in `Staging`. A model server loads its model once, when it starts.",
          "After you change which version is in `Staging`, start your server again from the Serve panel, with the URI `models:/IrisModel/Staging`.",
          "In the Serve panel set the model URI to `models:/IrisModel/Staging` and press Start (it replaces your server); when it says Ready, press Check.",
        ],
        "panel-noStaging": [
          "This comparison needs a version of `IrisModel` in stage `Staging`: finish the model-registry exercise first.",
          "Transition a version of `IrisModel` to `Staging` (see the model-registry lesson), then press Start in the Serve panel again.",
          'Run `MlflowClient().transition_model_version_stage("IrisModel", <version>, "Staging")`, press Start in the Serve panel, wait for Ready, and check again.',
        ],
      },
      async evaluate(state) {
        // Ask the registry first (cheap, and MLflow being down shows up as a platform error here).
        const registered = await state.context.client.getRegisteredModel(MODEL_NAME);
        const staged = registered?.latest_versions.find((v) => v.current_stage === STAGE);
        if (!staged) return failed(servingMessages.noStaging(), { hintKind: hintKind(state, "noStaging"), link: state.context.links.models() });
        const link = state.context.links.modelVersion(MODEL_NAME, staged.version);

        const expected = await state.expected();
        if (expected.kind === "model_not_found") return failed(`${servingMessages.noStaging()} (${expected.message})`, { hintKind: hintKind(state, "noStaging"), link });
        const forms: [string, ServerAnswer][] = [
          ["inputs", await state.inputsAnswer()],
          ["dataframe_split", await state.splitAnswer()],
        ];
        for (const [form, answer] of forms) {
          if (answer.kind !== "answered") continue;
          const reading = readPredictions(answer.json, IRIS_ROWS.length);
          if (!reading.ok) continue; // reported by its own check
          if (JSON.stringify(reading.predictions) !== JSON.stringify(expected.predictions)) {
            return failed(servingMessages.mismatch(form, reading.predictions, expected.predictions, staged.version), { link, hintKind: hintKind(state) });
          }
        }
        return passed(servingMessages.match(expected.predictions, staged.version), link);
      },
    },
  ],
});
