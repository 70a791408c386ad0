import Link from 'next/link'
import { PageHead } from '@/components/PageHead'

// Plain HTML, no framework JavaScript (see pages/_app.tsx), like every other page readers see.
export const config = { runtime: 'nodejs', unstable_runtimeJS: false }

/**
 * Every unknown address, missing guide and refused preview answers 404 with this page. Next
 * answers 404s with the App Router's built-in page whenever app/ exists (even for pages' own
 * `notFound`), so this page is prerendered under its own name and server.mjs answers every 404
 * with it (next-server-patches.mjs); /not-found itself answers 404 too.
 */
export default function NotFound() {
  return (
    <>
      <PageHead title="Page not found" description="This page could not be found." noindex />
      <h1 className="page-title">We couldn&rsquo;t find that page</h1>
      <p>The guide may have moved or been taken down while it is re-reviewed.</p>
      <p>
        <Link href="/">See all published guides</Link>
      </p>
    </>
  )
}
