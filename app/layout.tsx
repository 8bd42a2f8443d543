import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "./globals.css";
import { SignOutButton } from "@/components/classroom/sign-out-button";
import { mlflowHomeFor } from "@/server/mlflow-proxy/ui-links";
import { pageViewer } from "./page-viewer";
import { Providers } from "./providers";

// Every page shows who is signed in, read from the course's runtime at request time (there is none while building).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "MLflow Training",
  description: "Learn MLflow by doing it: tracking, registry, serving and Spark, against a real MLflow server.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await pageViewer();
  const learner = viewer?.role === "learner" ? viewer.learner : null;
  // The MLflow UI opens in the learner's own workspace (classroom mode).
  const mlflowHref = mlflowHomeFor(learner?.workspace);
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-sky-700 focus:px-3 focus:py-2 focus:text-white">
          Skip to content
        </a>
        <header className="border-b border-slate-200 dark:border-slate-800">
          <nav aria-label="Main" className="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight">
              MLflow Training
            </Link>
            {learner && (
              <a href="/progress" className="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
                My progress
              </a>
            )}
            {viewer?.role === "instructor" && (
              <a href="/instructor" className="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
                Dashboard
              </a>
            )}
            {learner && (
              <a href={mlflowHref} className="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
                MLflow UI
              </a>
            )}
            {viewer?.sessionId && (
              <span className="ml-auto flex items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
                <span data-testid="signed-in-as">{viewer.role === "instructor" ? "Instructor" : viewer.learner.displayName}</span>
                <SignOutButton />
              </span>
            )}
          </nav>
        </header>
        <Providers>
          <main id="main" className="mx-auto max-w-6xl px-4 py-8">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
