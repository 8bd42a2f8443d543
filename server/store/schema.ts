import type { Generated } from "kysely";

/** The progress store's tables, as Kysely sees them. */
export type Database = {
  learners: {
    id: string;
    display_name: string;
    created_at: string;
    last_seen_at: string;
    last_lesson: string | null;
    /** The learner's MLflow workspace in classroom mode. */
    workspace: string | null;
    removed_at: string | null;
    /**
     * `displayNameKey(display_name)` of a classroom learner: unique among learners
     * not removed. Null for the solo learner; optional so rows written without it
     * (the solo learner, seeded benchmark data) need not name it.
     */
    name_key?: string | null;
  };
  /** Each learner's kernel on the Jupyter server or gateway, shared by every course instance. */
  learner_kernels: {
    learner_id: string;
    kernel_id: string;
    updated_at: string;
  };
  /** When each learner last did a limited action (a Check), for the per-window limit. */
  action_log: {
    id: Generated<number>;
    action: string;
    actor: string;
    at_ms: number;
  };
  /** A limited action running now for a learner, on any instance; `until_ms` frees it if that instance died. */
  actions_in_flight: {
    action: string;
    actor: string;
    until_ms: number;
  };
  /** Each learner's model server: which course instance runs it, where it answers, how it is doing. */
  model_servers: {
    learner_id: string;
    instance_id: string;
    state: string;
    model_uri: string;
    port: number;
    version: string | null;
    command: string;
    url: string;
    reach_url: string;
    started_at_ms: number;
    ready_at_ms: number | null;
    reason: string | null;
    log_json: string;
    last_used_ms: number;
    /** Refreshed by the owning instance while it runs the server: a stale one means the instance is gone. */
    heartbeat_ms: number;
  };
  /** The instructor's messages: to one learner (`learner_id`), or to everyone in the class (null). */
  class_messages: {
    id: string;
    learner_id: string | null;
    /** Plain text, checked by `messageTextSchema`; always shown as text, never as markup. */
    text: string;
    /** Who sent it: "instructor" (the one instructor account). */
    sender: string;
    created_at: string;
  };
  /** A learner dismissed a message's live notice; it stays in their list. */
  message_dismissals: {
    message_id: string;
    learner_id: string;
    dismissed_at: string;
  };
  rejoin_tokens: {
    /** SHA-256 (hex) of the token in the link; the token itself is never stored. */
    id: string;
    learner_id: string;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  settings: {
    key: string;
    value: string;
    updated_at: string;
  };
  sessions: {
    id: string;
    role: "learner" | "instructor";
    learner_id: string | null;
    created_at: string;
    expires_at: string;
    revoked_at: string | null;
  };
  cell_code: {
    learner_id: string;
    lesson_slug: string;
    cell_id: string;
    code: string;
    updated_at: string;
  };
  cell_outputs: {
    learner_id: string;
    lesson_slug: string;
    cell_id: string;
    outputs_json: string;
    execution_count: number | null;
    status: string;
    updated_at: string;
  };
  cell_runs: {
    id: Generated<number>;
    learner_id: string;
    lesson_slug: string;
    cell_id: string;
    status: string;
    duration_ms: number;
    started_at: string;
  };
  /** When a learner first opened an exercise's lesson or ran one of its cells (the time to pass starts there). */
  exercise_starts: {
    learner_id: string;
    exercise: string;
    started_at: string;
  };
  attempts: {
    id: string;
    learner_id: string;
    exercise: string;
    status: string;
    /** 0 for platform errors: stored, never counted as a failed attempt. */
    counted: number;
    started_at: string;
    duration_ms: number;
    graded_run_id: string | null;
    /** The report's version (contracts/report.ts REPORT_VERSION) it was stored with. */
    report_version: Generated<number>;
  };
  check_results: {
    attempt_id: string;
    position: number;
    check_id: string;
    title: string;
    status: string;
    message: string;
  };
  exercise_completions: {
    learner_id: string;
    exercise: string;
    first_passed_at: string;
  };
};
