import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-xl py-16 text-center">
      <h1 className="text-3xl font-bold">Page not found</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-300">There is no lesson or page at this address. It may have been renamed.</p>
      <Link href="/" className="mt-6 inline-block rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800">
        Back to the course outline
      </Link>
    </div>
  );
}
