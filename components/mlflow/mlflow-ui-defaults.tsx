"use client";

import { useEffect } from "react";

/**
 * The proxied MLflow UI shares the course's origin, so it reads what the course leaves in
 * localStorage. MLflow 3's UI opens in its GenAI view and opens its Assistant panel once on a
 * local server; this course teaches the classic side, and the Assistant's service is not there
 * (the course does not forward its API). Each key is MLflow's own (`<key>_v<version>`, JSON), and
 * is set only when the learner has not chosen: the sidebar's switch still works and sticks.
 */
export const MLFLOW_UI_DEFAULTS: Record<string, unknown> = {
  "mlflow.workflowType_v1": "machine_learning",
  "mlflow.assistant.fab.autoOpenedOnFirstLoad_v1": true,
  "mlflow.assistant.panelOpen_v1": false,
};

export function MlflowUiDefaults() {
  useEffect(() => {
    try {
      for (const [key, value] of Object.entries(MLFLOW_UI_DEFAULTS)) {
        if (window.localStorage.getItem(key) === null) window.localStorage.setItem(key, JSON.stringify(value));
      }
    } catch {
      // Storage turned off: MLflow's own defaults apply, and lesson 1 shows the switch.
    }
  }, []);
  return null;
}
