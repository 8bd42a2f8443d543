import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-xl py-16 text-center">
      <h1 className="text-3xl font-bold">Not for you, sorry</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-300">This page belongs to the instructor of the class.</p>
      <Link href="/" className="mt-6 inline-block rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800">
        Back to your lessons
      </Link>
    </div>
  );
}
