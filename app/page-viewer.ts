import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentViewer, type Learner } from "@/server/identity/current-learner";

/** The learner viewing a page; sends everyone else to where they belong (join page, instructor page). */
export async function requireLearnerPage(): Promise<Learner> {
  const viewer = await currentViewer((await headers()).get("cookie"));
  if (!viewer) redirect("/join");
  if (viewer.role === "instructor") redirect("/instructor");
  return viewer.learner;
}

export async function pageViewer() {
  return currentViewer((await headers()).get("cookie"));
}
