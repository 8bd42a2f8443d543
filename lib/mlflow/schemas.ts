import { z } from "zod";

/**
 * The parts of MLflow's REST responses the grader reads, validated before use.
 * MLflow serialises protobuf messages and leaves out empty repeated fields and
 * unset optionals (a search with no hits is `{}`), so every list defaults to
 * empty and only identifying fields are required.
 */

const list = <T extends z.ZodType>(item: T) => z.array(item).optional().transform((items) => items ?? []);

/** int64 and double fields: numbers in practice; protobuf JSON also allows strings ("NaN"). */
const numberLike = z.union([z.number(), z.string()]).transform((value) => Number(value));

const keyValue = z.object({ key: z.string(), value: z.string().optional().transform((v) => v ?? "") });

export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  lifecycle_stage: z.string().optional(),
  artifact_location: z.string().optional(),
});
export type Experiment = z.infer<typeof experimentSchema>;

export const getExperimentResponse = z.object({ experiment: experimentSchema });
export const searchExperimentsResponse = z.object({ experiments: list(experimentSchema), next_page_token: z.string().optional() });

export const metricSchema = z.object({ key: z.string(), value: numberLike, timestamp: numberLike.optional(), step: numberLike.optional() });

export const runSchema = z.object({
  info: z.object({
    run_id: z.string(),
    run_name: z.string().optional(),
    experiment_id: z.string(),
    status: z.string().optional(),
    start_time: numberLike.optional(),
    end_time: numberLike.optional(),
    lifecycle_stage: z.string().optional(),
    artifact_uri: z.string().optional(),
  }),
  data: z
    .object({ metrics: list(metricSchema), params: list(keyValue), tags: list(keyValue) })
    .optional()
    .transform((data) => data ?? { metrics: [], params: [], tags: [] }),
  outputs: z
    .object({ model_outputs: list(z.object({ model_id: z.string(), step: numberLike.optional() })) })
    .optional()
    .transform((outputs) => outputs ?? { model_outputs: [] }),
});
export type Run = z.infer<typeof runSchema>;

export const getRunResponse = z.object({ run: runSchema });
export const searchRunsResponse = z.object({ runs: list(runSchema), next_page_token: z.string().optional() });

export const artifactFileSchema = z.object({
  path: z.string(),
  is_dir: z.boolean().optional().transform((v) => v ?? false),
  file_size: numberLike.optional(),
});
export type ArtifactFile = z.infer<typeof artifactFileSchema>;
export const listArtifactsResponse = z.object({ root_uri: z.string().optional(), files: list(artifactFileSchema) });

export const loggedModelSchema = z.object({
  info: z.object({
    model_id: z.string(),
    experiment_id: z.string().optional(),
    name: z.string().optional().transform((v) => v ?? ""),
    artifact_uri: z.string().optional(),
    /** LOGGED_MODEL_PENDING | LOGGED_MODEL_READY | LOGGED_MODEL_UPLOAD_FAILED */
    status: z.string().optional().transform((v) => v ?? "LOGGED_MODEL_STATUS_UNSPECIFIED"),
    source_run_id: z.string().optional(),
    model_type: z.string().optional(),
    tags: list(keyValue),
  }),
});
export type LoggedModel = z.infer<typeof loggedModelSchema>;
export const getLoggedModelResponse = z.object({ model: loggedModelSchema });

export const modelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  current_stage: z.string().optional().transform((v) => v ?? "None"),
  status: z.string().optional(),
  run_id: z.string().optional(),
  source: z.string().optional(),
  model_id: z.string().optional(),
  aliases: list(z.string()),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

export const registeredModelSchema = z.object({
  name: z.string(),
  /** The latest version in each stage. */
  latest_versions: list(modelVersionSchema),
  aliases: list(z.object({ alias: z.string(), version: z.string() })),
});
export type RegisteredModel = z.infer<typeof registeredModelSchema>;

export const getRegisteredModelResponse = z.object({ registered_model: registeredModelSchema });
export const searchRegisteredModelsResponse = z.object({
  registered_models: list(registeredModelSchema),
  next_page_token: z.string().optional(),
});
export const getModelVersionResponse = z.object({ model_version: modelVersionSchema });
export const searchModelVersionsResponse = z.object({ model_versions: list(modelVersionSchema), next_page_token: z.string().optional() });

/** What MLflow answers to creating or deleting a workspace (the course needs only that it succeeded). */
export const workspaceResponse = z.object({}).passthrough();
