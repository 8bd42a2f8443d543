import { forbidden, notFound } from "next/navigation";
import { InstructorSignIn } from "@/components/classroom/instructor-sign-in";
import { ClassDashboard } from "@/components/dashboard/class-dashboard";
import { getConfig } from "@/server/config/runtime-config";
import { pageViewer } from "../page-viewer";

export const dynamic = "force-dynamic";
export const metadata = { title: "Instructor · MLflow Training" };

export default async function InstructorPage() {
  // The instructor's page exists only in classroom mode.
  if (getConfig().mode !== "classroom") notFound();
  const viewer = await pageViewer();
  if (viewer?.role === "learner") forbidden();
  if (!viewer) {
    return (
      <div className="mx-auto max-w-md py-10">
        <h1 className="text-3xl font-bold tracking-tight">Instructor sign-in</h1>
        <InstructorSignIn />
      </div>
    );
  }
  return <ClassDashboard />;
}
