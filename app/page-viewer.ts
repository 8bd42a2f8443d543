import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Learner } from "@/server/identity/course-identity";
import { courseRuntime } from "@/server/runtime/runtime-access";

/** The learner viewing a page; sends everyone else to where they belong (join page, instructor page). */
export async function requireLearnerPage(): Promise<Learner> {
  const viewer = await pageViewer();
  if (!viewer) redirect("/join");
  if (viewer.role === "instructor") redirect("/instructor");
  return viewer.learner;
}

export async function pageViewer() {
  return courseRuntime().identity.viewer((await headers()).get("cookie"));
}
