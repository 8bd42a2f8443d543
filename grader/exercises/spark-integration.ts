import type { CheckSpec, Outcome } from "../checks/check-spec";
import { failed, passed } from "../checks/check-spec";
import { code, isNearMiss, listCodes } from "../checks/format-names";
import { once } from "../checks/once";
import { runChecks } from "../checks/run-checks";
import { courseText } from "../course-text";
import { createLinks, type Links } from "../links";
import { PlatformError } from "../platform-error";
import type { CheckResult } from "../report";
import { IRIS_COLUMNS } from "../serving/iris-rows";
import { runSparkCheck } from "../spark/run-spark-check";
import type { LearnerException, SparkCheckRun, SparkFindings, SparkStage } from "../spark/spark-findings";
import { defineExercise, type GradingContext } from "./exercise";
import { MODEL_NAME, STAGE } from "./model-registry";

/**
 * The Spark exercise: the learner writes `predict_label_with_mlflow_udf(spark, df)`,
 * which must return `df` with a `predicted_label` column computed by a Spark
 * UDF made from `models:/IrisModel/Staging`. The grader runs the code in a
 * fresh Spark session in its own process (python/spark_check.py), on the iris
 * data with its four feature columns, and compares the labels it returned with
 * what the Staging model itself predicts, computed in another process that runs
 * no learner code (see grader/spark/run-spark-check.ts).
 */
export const FUNCTION_NAME = "predict_label_with_mlflow_udf";
export const LABEL_COLUMN = "predicted_label";
export const FEATURE_COLUMNS = IRIS_COLUMNS;
export const MODEL_URI = `models:/${MODEL_NAME}/${STAGE}`;
/** The tutorial's threshold. */
export const MIN_AGREEMENT = 0.85;
/** Where the learner writes the code, in the app. */
export const EXERCISE_CELL = { lesson: "spark-integration", cell: "predict-with-udf" } as const;

/** Nothing to grade (the learner has not run the cell yet), or what the helper made of the code. */
export type SparkRunOutcome = { kind: "no_code" } | SparkCheckRun;

type SparkState = {
  links: Links;
  run: () => Promise<SparkRunOutcome>;
  /** The version in Staging, for links and messages; undefined when unknown. */
  stagedVersion: () => Promise<string | undefined>;
};

function createState(context: GradingContext): SparkState {
  return {
    links: context.links,
    run: once(async (): Promise<SparkRunOutcome> => {
      if (context.learnerCode === undefined || !context.learnerCode.trim()) return { kind: "no_code" };
      if (!context.pythonBin) throw new PlatformError("the grader has no Python configured to run Spark with");
      return runSparkCheck({
        pythonBin: context.pythonBin,
        trackingUri: context.client.baseUrl,
        workspace: context.client.workspace,
        code: context.learnerCode,
        modelUri: MODEL_URI,
        timeoutMs: context.sparkTimeoutMs,
        launcher: context.launcher,
        admission: context.sparkAdmission,
      });
    }),
    stagedVersion: once(async () => {
      try {
        const model = await context.client.getRegisteredModel(MODEL_NAME);
        return model?.latest_versions.find((v) => v.current_stage === STAGE)?.version;
      } catch {
        return undefined; // only for a link; the expected-predictions helper reports MLflow being down
      }
    }),
  };
}

const call = code(`${FUNCTION_NAME}(spark, df)`);

/** 84.67% shows as 84.6%, so that a miss never reads as "85.0%". */
function percent(share: number): string {
  return `${(Math.floor(share * 1000 + 1e-9) / 10).toFixed(1)}%`;
}

function showValue(value: unknown): string {
  return code(JSON.stringify(value) ?? String(value));
}

const text = courseText("spark-integration", {
  checks: {
    "function-defined": ["noCode", "syntax", "signature", "raised", "notSelfContained", "stopped", "unreadable"],
    "returns-dataframe": ["none", "pandas", "noStaging", "raised", "notSelfContained", "stopped"],
    "features-kept": [],
    "predicted-label": ["nearMiss"],
    "agrees-with-staging": ["constant", "compute", "struct", "stopped"],
  },
  messages: {
    noCode: [],
    syntaxError: ["message"],
    syntaxErrorInText: ["message", "text"],
    syntaxErrorOnLine: ["line", "message"],
    syntaxErrorOnLineInText: ["line", "message", "text"],
    raised: ["what", "type", "traceback"],
    notSelfContained: ["name"],
    cellTopLevel: [],
    notDefinedNear: ["names"],
    notDefinedOthers: ["names"],
    notDefinedNone: [],
    notCallable: [],
    notCallableType: ["type"],
    wrongSignature: ["signature"],
    defined: ["signature"],
    stoppedTimeout: ["seconds", "doing"],
    stoppedTimeoutSuspect: ["seconds", "doing", "suspect"],
    stoppedEnded: ["exit", "doing"],
    suspectLoop: [],
    suspectLoopInUdf: [],
    doingStart: [],
    doingCompile: [],
    doingDefine: [],
    doingLoadModel: [],
    doingStartSpark: [],
    doingCall: [],
    doingInspect: [],
    doingCompute: [],
    doingDone: [],
    unreadable: ["problem"],
    noStaging: ["detail"],
    returnedNone: [],
    returnedPandas: ["type"],
    returnedOther: ["type"],
    returnedUnknown: [],
    isDataFrame: ["columns"],
    featureMissing: ["missing", "columns"],
    featuresMissing: ["missing", "columns"],
    noColumns: [],
    featuresKept: [],
    noLabel: ["columns"],
    noLabelOthersAdded: ["added"],
    label: [],
    labelTyped: ["type"],
    computeRaised: ["type", "traceback"],
    agreement: ["percent", "agreeing", "rows"],
    agreementTooLow: ["agreement", "min"],
    sameLabelEveryRow: ["value"],
    commonLabels: ["values"],
    labelCount: ["value", "count"],
    rowCountDiffers: ["rows", "inputRows"],
    agrees: ["agreement"],
    agreesVersion: ["agreement", "version"],
  },
});

export const sparkMessages = {
  noCode: () => text.message("noCode"),
  syntaxError: (error: NonNullable<SparkFindings["syntaxError"]>) => {
    const values = { message: error.message, text: error.text };
    if (error.line !== null) return text.message(error.text ? "syntaxErrorOnLineInText" : "syntaxErrorOnLine", { ...values, line: error.line });
    return text.message(error.text ? "syntaxErrorInText" : "syntaxError", values);
  },
  raised: (what: string, error: LearnerException) => text.message("raised", { what, type: error.type, traceback: error.traceback }),
  notSelfContained: (name: string) => text.message("notSelfContained", { name }),
  notDefined: (functions: string[]) => {
    const near = functions.filter((name) => isNearMiss(FUNCTION_NAME, name) || name.toLowerCase() === FUNCTION_NAME.toLowerCase());
    if (near.length > 0) return text.message("notDefinedNear", { names: listCodes(near) });
    if (functions.length > 0) return text.message("notDefinedOthers", { names: listCodes(functions) });
    return text.message("notDefinedNone");
  },
  notCallable: (type: string | undefined) => (type ? text.message("notCallableType", { type }) : text.message("notCallable")),
  wrongSignature: (signature: string | undefined) => text.message("wrongSignature", { signature: signature ?? "(...)" }),
  defined: (signature: string | undefined) => text.message("defined", { signature: signature ?? "(spark, df)" }),
  stopped: (run: Extract<SparkCheckRun, { kind: "stopped" }>, what: string, suspect?: string) => {
    if (run.reason !== "timeout") return text.message("stoppedEnded", { exit: run.exit, doing: what });
    const seconds = Math.round(run.timeoutMs / 1000);
    return suspect ? text.message("stoppedTimeoutSuspect", { seconds, doing: what, suspect }) : text.message("stoppedTimeout", { seconds, doing: what });
  },
  unreadable: (problem: string) => text.message("unreadable", { problem }),
  noStaging: (detail: string) => text.message("noStaging", { detail }),
  notDataFrame: (type: string | undefined) => {
    if (type === "builtins.NoneType") return text.message("returnedNone");
    if (type?.startsWith("pandas.")) return text.message("returnedPandas", { type: type.split(".").at(-1) ?? type });
    return type ? text.message("returnedOther", { type }) : text.message("returnedUnknown");
  },
  isDataFrame: (columns: string[]) => text.message("isDataFrame", { columns: listCodes(columns, 6) }),
  featuresMissing: (missing: string[], columns: string[]) =>
    text.message(missing.length === 1 ? "featureMissing" : "featuresMissing", {
      missing: listCodes(missing),
      columns: columns.length > 0 ? listCodes(columns, 6) : text.message("noColumns"),
    }),
  featuresKept: () => text.message("featuresKept"),
  noLabel: (columns: string[], added: string[]) => {
    if (added.length > 0) return text.message("noLabelOthersAdded", { added: listCodes(added) });
    return text.message("noLabel", { columns: listCodes(columns, 6) });
  },
  label: (type: string | undefined) => (type ? text.message("labelTyped", { type }) : text.message("label")),
  computeRaised: (error: LearnerException) => text.message("computeRaised", { type: error.type, traceback: error.traceback }),
  agreement: (found: { agreeing: number; inputRows: number }) =>
    text.message("agreement", { percent: percent(found.agreeing / found.inputRows), agreeing: found.agreeing, rows: found.inputRows }),
  disagreement: (found: SparkFindings & { agreeing: number; inputRows: number }) => {
    const parts = [text.message("agreementTooLow", { agreement: sparkMessages.agreement(found), min: MIN_AGREEMENT * 100 })];
    const values = found.values ?? [];
    if (found.distinctValues === 1 && values.length === 1) parts.push(text.message("sameLabelEveryRow", { value: showValue(values[0][0]) }));
    else if (values.length > 0) {
      parts.push(text.message("commonLabels", { values: values.map(([value, count]) => text.message("labelCount", { value: showValue(value), count })).join(", ") }));
    }
    if (found.rows !== undefined && found.rows !== found.inputRows) parts.push(text.message("rowCountDiffers", { rows: found.rows, inputRows: found.inputRows }));
    return parts.join("; ");
  },
  agrees: (found: { agreeing: number; inputRows: number }, version: string | undefined) =>
    version ? text.message("agreesVersion", { agreement: sparkMessages.agreement(found), version }) : text.message("agrees", { agreement: sparkMessages.agreement(found) }),
};

/** A name the learner's code used from the lesson's other cells (or forgot to import). */
function missingName(error: LearnerException): string | undefined {
  if (error.type !== "NameError") return undefined;
  return /name '([^']+)' is not defined/.exec(error.message)?.[1];
}

function raisedOutcome(what: string, error: LearnerException): Outcome {
  const name = missingName(error);
  if (name) return failed(sparkMessages.raised(what, error) + sparkMessages.notSelfContained(name), { hintKind: "notSelfContained" });
  return failed(sparkMessages.raised(what, error), { hintKind: "raised" });
}

/** Stages whose time is the platform's (Python, MLflow and Spark starting), not the learner's code. */
const PLATFORM_STAGES: ReadonlySet<SparkStage | "start"> = new Set(["start", "compile", "load_model", "start_spark", "done"]);

const STAGE_DOING: Record<SparkStage | "start", () => string> = {
  start: () => text.message("doingStart"),
  compile: () => text.message("doingCompile"),
  define: () => text.message("doingDefine"),
  load_model: () => text.message("doingLoadModel"),
  start_spark: () => text.message("doingStartSpark"),
  call: () => text.message("doingCall"),
  inspect: () => text.message("doingInspect"),
  compute: () => text.message("doingCompute"),
  done: () => text.message("doingDone"),
};

/**
 * A finding this check needs is missing: the helper was stopped (time limit)
 * or ended while it was getting there. During the learner's code that is the
 * learner's failure; while Python, MLflow or Spark started, the platform's.
 */
function notReached(run: SparkRunOutcome, what: string): Outcome {
  if (run.kind !== "stopped") throw new Error(`the Spark check helper's answer lacks ${what}`);
  const suspect = run.stage === "compute" ? text.message("suspectLoopInUdf") : run.stage === "define" || run.stage === "call" ? text.message("suspectLoop") : undefined;
  const message = sparkMessages.stopped(run, STAGE_DOING[run.stage](), suspect);
  if (PLATFORM_STAGES.has(run.stage)) {
    throw new PlatformError(run.reason === "timeout" ? `the Spark check was ${message}` : message);
  }
  return failed(message, { hintKind: run.reason === "timeout" ? "stopped" : undefined });
}

const findingsOf = (run: SparkRunOutcome): SparkFindings | undefined => (run.kind === "no_code" ? undefined : run.found);


export const sparkIntegrationChecks: readonly CheckSpec<SparkState>[] = [
  {
    id: "function-defined",
    title: text.title("function-defined"),
    hints: text.hints("function-defined"),
    async evaluate(state) {
      const run = await state.run();
      if (run.kind === "no_code") return failed(sparkMessages.noCode(), { hintKind: "noCode" });
      if (run.kind === "unreadable") return failed(sparkMessages.unreadable(run.problem), { hintKind: "unreadable" });
      const found = run.found;
      if (found.syntaxError) return failed(sparkMessages.syntaxError(found.syntaxError), { hintKind: "syntax" });
      if (found.exception?.stage === "define") return raisedOutcome(text.message("cellTopLevel"), found.exception);
      if (found.defined === undefined) return notReached(run, "whether the function is defined");
      if (!found.defined) return failed(sparkMessages.notDefined(found.functions ?? []));
      if (found.callable === false) return failed(sparkMessages.notCallable(found.foundType));
      if (found.acceptsSparkAndDf === false) return failed(sparkMessages.wrongSignature(found.signature), { hintKind: "signature" });
      return passed(sparkMessages.defined(found.signature));
    },
  },
  {
    id: "returns-dataframe",
    title: text.title("returns-dataframe"),
    requires: ["function-defined"],
    hints: text.hints("returns-dataframe"),
    async evaluate(state) {
      const run = await state.run();
      const found = findingsOf(run)!;
      if (found.noStaging !== undefined) return failed(sparkMessages.noStaging(found.noStaging), { hintKind: "noStaging", link: state.links.models() });
      if (found.exception?.stage === "call") return raisedOutcome(call, found.exception);
      if (found.isDataFrame === undefined) return notReached(run, "what the function returned");
      if (!found.isDataFrame) {
        const type = found.resultType;
        return failed(sparkMessages.notDataFrame(type), { hintKind: type === "builtins.NoneType" ? "none" : type?.startsWith("pandas.") ? "pandas" : undefined });
      }
      if (found.columns === undefined) return notReached(run, "the returned DataFrame's columns");
      return passed(sparkMessages.isDataFrame(found.columns));
    },
  },
  {
    id: "features-kept",
    title: text.title("features-kept"),
    requires: ["returns-dataframe"],
    hints: text.hints("features-kept"),
    async evaluate(state) {
      const columns = findingsOf(await state.run())!.columns ?? [];
      const missing = FEATURE_COLUMNS.filter((name) => !columns.includes(name));
      if (missing.length > 0) return failed(sparkMessages.featuresMissing(missing, columns));
      return passed(sparkMessages.featuresKept());
    },
  },
  {
    id: "predicted-label",
    title: text.title("predicted-label"),
    requires: ["returns-dataframe"],
    hints: text.hints("predicted-label"),
    async evaluate(state) {
      const found = findingsOf(await state.run())!;
      const columns = found.columns ?? [];
      if (!columns.includes(LABEL_COLUMN)) {
        const added = columns.filter((name) => !FEATURE_COLUMNS.includes(name));
        return failed(sparkMessages.noLabel(columns, added), { hintKind: added.length > 0 ? "nearMiss" : undefined });
      }
      return passed(sparkMessages.label(found.labelType));
    },
  },
  {
    id: "agrees-with-staging",
    title: text.title("agrees-with-staging"),
    requires: ["features-kept", "predicted-label"],
    hints: text.hints("agrees-with-staging"),
    async evaluate(state) {
      const run = await state.run();
      const found = findingsOf(run)!;
      if (found.exception?.stage === "compute") {
        // scikit-learn refusing the columns `0`..`3`: the UDF was called on the columns one by one.
        const featureNames = /feature names/i.test(found.exception.message);
        return failed(sparkMessages.computeRaised(found.exception), { hintKind: featureNames ? "struct" : "compute" });
      }
      if (found.agreeing === undefined || found.inputRows === undefined) return notReached(run, "the agreement");
      const measured = { ...found, agreeing: found.agreeing, inputRows: found.inputRows };
      const version = await state.stagedVersion();
      const link = version ? state.links.modelVersion(MODEL_NAME, version) : undefined;
      if (found.agreeing / found.inputRows < MIN_AGREEMENT) {
        return failed(sparkMessages.disagreement(measured), { link, hintKind: found.distinctValues === 1 ? "constant" : undefined });
      }
      return passed(sparkMessages.agrees(measured, version), link);
    },
  },
];

export const sparkIntegration = defineExercise<SparkState>({
  id: "spark-integration",
  title: "Scoring with Spark",
  createState,
  checks: sparkIntegrationChecks,
  runsSpark: true,
});

/**
 * The checks' verdict on findings made elsewhere (several pieces of code run
 * in one helper process, in tests), exactly as `grade` would report them.
 */
export function evaluateSparkRun(
  run: SparkRunOutcome,
  options: { attempt?: number; uiBase?: string; stagedVersion?: string } = {},
): Promise<CheckResult[]> {
  const state: SparkState = {
    links: createLinks(options.uiBase),
    run: async () => run,
    stagedVersion: async () => options.stagedVersion,
  };
  return runChecks(sparkIntegrationChecks, state, { attempt: options.attempt ?? 1 });
}
