import { redirect } from "next/navigation";
import { JoinForm } from "@/components/classroom/join-form";
import { courseRuntime } from "@/server/runtime/runtime-access";
import { pageViewer } from "../page-viewer";

export const dynamic = "force-dynamic";
export const metadata = { title: "Join the class · MLflow Training" };

export default async function JoinPage() {
  if (courseRuntime().config.mode !== "classroom") redirect("/");
  const viewer = await pageViewer();
  if (viewer?.role === "learner") redirect("/");
  if (viewer?.role === "instructor") redirect("/instructor");
  return (
    <div className="mx-auto max-w-md py-10">
      <h1 className="text-3xl font-bold tracking-tight">Join the class</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-300">
        Enter the class code your instructor shows and the name they will see. You get your own MLflow workspace and
        Python kernel; nothing to install.
      </p>
      <JoinForm />
      <p className="mt-8 text-sm text-slate-500 dark:text-slate-400">
        Instructor? <a className="text-sky-700 underline dark:text-sky-400" href="/instructor">Sign in here</a>.
      </p>
    </div>
  );
}
