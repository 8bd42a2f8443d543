import { forbidden, notFound } from "next/navigation";
import { InstructorSignIn } from "@/components/classroom/instructor-sign-in";
import { ClassDashboard } from "@/components/dashboard/class-dashboard";
import { courseRuntime } from "@/server/runtime/runtime-access";
import { pageViewer } from "../page-viewer";

export const dynamic = "force-dynamic";
export const metadata = { title: "Instructor · MLflow Training" };

export default async function InstructorPage() {
  // The instructor's page exists only in classroom mode.
  const course = courseRuntime();
  if (course.config.mode !== "classroom") notFound();
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
  return (
    <>
      {course.config.sandbox.enabled ? null : (
        <div role="alert" className="mb-4 rounded-md border border-red-300 bg-red-50 p-4 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">Learner code is not sandboxed (COURSE_SANDBOX=off).</p>
          <p className="mt-1 text-sm">
            Every learner&apos;s cells run as the course&apos;s own user: they can read the course&apos;s secrets and other learners&apos; work. Restart the course
            without COURSE_SANDBOX=off to run each learner in a sandbox of their own.
          </p>
        </div>
      )}
      <ClassDashboard />
    </>
  );
}
