import { failed, passed, type Outcome } from "../checks/check-spec";
import { code } from "../checks/format-names";
import { once } from "../checks/once";
import { courseText } from "../course-text";
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
 * two request forms and compares with what MLflow itself predicts.
 *
 * Both forms name the four iris columns, in the order of training, so that a model with a
 * signature (lesson 4's `input_example=`, `@champion`) and one without (the tracking exercise's,
 * in Staging) both answer them: a signature refuses plain rows under `inputs` ("Model is missing
 * inputs"), and a model without one cannot take `inputs` as `{column: [values]}` (scikit-learn gets
 * a dict) nor named columns in another order than in `fit`.
 */
export const MODEL_URI = `models:/${MODEL_NAME}/${STAGE}`;

export const DATAFRAME_SPLIT_BODY = { dataframe_split: { columns: IRIS_COLUMNS, data: IRIS_ROWS } };
/** One `{column: value}` object per row; the keys in the order of IRIS_COLUMNS (JSON keeps it). */
export const DATAFRAME_RECORDS_BODY = {
  dataframe_records: IRIS_ROWS.map((row) => Object.fromEntries(IRIS_COLUMNS.map((column, i) => [column, row[i]]))),
};

class ServingState {
  readonly ping: () => Promise<ServerAnswer>;
  readonly splitAnswer: () => Promise<ServerAnswer>;
  readonly recordsAnswer: () => Promise<ServerAnswer>;
  readonly expected: () => Promise<ExpectedPredictions>;

  constructor(readonly context: GradingContext) {
    const url = (context.modelServerUrl ?? "").replace(/\/+$/, "");
    const options = { timeoutMs: context.modelServerTimeoutMs };
    this.ping = once(() => callModelServer(`${url}/ping`, { method: "GET" }, options));
    this.splitAnswer = once(() => callModelServer(`${url}/invocations`, { method: "POST", body: DATAFRAME_SPLIT_BODY }, options));
    this.recordsAnswer = once(() => callModelServer(`${url}/invocations`, { method: "POST", body: DATAFRAME_RECORDS_BODY }, options));
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
        admission: context.helperAdmission,
      });
    });
  }

  get serverUrl(): string {
    return (this.context.modelServerUrl ?? "").replace(/\/+$/, "");
  }
}

const text = courseText("model-serving", {
  checks: {
    "server-answers-ping": ["notStarted", "down", "panel", "panel-down"],
    "invocations-dataframe-split": ["rejected", "down", "panel", "panel-down", "panel-rejected"],
    "invocations-dataframe-records": ["rejected", "down", "panel", "panel-down", "panel-rejected"],
    "predictions-match-staging": ["noStaging", "panel", "panel-noStaging"],
  },
  messages: {
    notStarted: [],
    down: ["url", "reason"],
    timeout: ["url", "request", "seconds"],
    pingStatus: ["url", "answer"],
    pingOk: ["url"],
    rejected: ["form", "answer"],
    badAnswer: ["form", "problem"],
    predicted: ["form", "predictions"],
    noStaging: [],
    mismatch: ["found", "form", "expected"],
    mismatchVersion: ["found", "form", "expected", "version"],
    match: ["expected"],
    matchVersion: ["expected", "version"],
  },
});

export const servingMessages = {
  notStarted: () => text.message("notStarted"),
  down: (url: string, reason: string) => text.message("down", { url, reason }),
  timeout: (url: string, what: string, ms: number) => text.message("timeout", { url, request: what, seconds: Math.round(ms / 1000) }),
  pingStatus: (url: string, answer: string) => text.message("pingStatus", { url, answer }),
  pingOk: (url: string) => text.message("pingOk", { url }),
  rejected: (form: string, answer: string) => text.message("rejected", { form, answer }),
  badAnswer: (form: string, problem: string) => text.message("badAnswer", { form, problem }),
  predicted: (form: string, predictions: number[]) => text.message("predicted", { form, predictions: JSON.stringify(predictions) }),
  noStaging: () => text.message("noStaging"),
  mismatch: (form: string, found: number[], expected: unknown[], version: string | undefined) => {
    const values = { form, found: JSON.stringify(found), expected: JSON.stringify(expected) };
    return version ? text.message("mismatchVersion", { ...values, version }) : text.message("mismatch", values);
  },
  match: (expected: unknown[], version: string | undefined) =>
    version ? text.message("matchVersion", { expected: JSON.stringify(expected), version }) : text.message("match", { expected: JSON.stringify(expected) }),
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


export const modelServing = defineExercise<ServingState>({
  id: "model-serving",
  title: "Model serving",
  createState: (context) => new ServingState(context),
  checks: [
    {
      id: "server-answers-ping",
      title: text.title("server-answers-ping"),
      hints: text.hints("server-answers-ping"),
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
      id: "invocations-dataframe-split",
      title: text.title("invocations-dataframe-split"),
      requires: ["server-answers-ping"],
      hints: text.hints("invocations-dataframe-split"),
      async evaluate(state) {
        return (await evaluateInvocation(state, "dataframe_split", await state.splitAnswer())).outcome;
      },
    },
    {
      id: "invocations-dataframe-records",
      title: text.title("invocations-dataframe-records"),
      requires: ["server-answers-ping"],
      hints: text.hints("invocations-dataframe-records"),
      async evaluate(state) {
        return (await evaluateInvocation(state, "dataframe_records", await state.recordsAnswer())).outcome;
      },
    },
    {
      id: "predictions-match-staging",
      title: text.title("predictions-match-staging"),
      requires: ["invocations-dataframe-split"],
      hints: text.hints("predictions-match-staging"),
      async evaluate(state) {
        // Ask the registry first (cheap, and MLflow being down shows up as a platform error here).
        const registered = await state.context.client.getRegisteredModel(MODEL_NAME);
        const staged = registered?.latest_versions.find((v) => v.current_stage === STAGE);
        if (!staged) return failed(servingMessages.noStaging(), { hintKind: hintKind(state, "noStaging"), link: state.context.links.models() });
        const link = state.context.links.modelVersion(MODEL_NAME, staged.version);

        const expected = await state.expected();
        if (expected.kind === "model_not_found") return failed(`${servingMessages.noStaging()} (${expected.message})`, { hintKind: hintKind(state, "noStaging"), link });
        const forms: [string, ServerAnswer][] = [
          ["dataframe_split", await state.splitAnswer()],
          ["dataframe_records", await state.recordsAnswer()],
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
