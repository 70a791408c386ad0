/**
 * Cache tags for Pages Router pages. Next tags App Router pages with the tags of the fetches
 * they made, but not Pages Router pages; so a page's getStaticProps reads inside
 * `taggedProps`, every CMS read in lib/content.ts notes its tags, and the page returns them
 * as the prop `cacheTags`, which the site's cache handler (cache-handler.mjs) stores with the
 * page. The CMS's revalidation of any of those tags then expires the page, exactly as it
 * expires App Router pages.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

const collector = new AsyncLocalStorage<Set<string>>()

/** Called by every cached CMS read. */
export function noteCacheTags(tags: string[]) {
  const into = collector.getStore()
  if (into) for (const t of tags) into.add(t)
}

/**
 * getStaticProps of a static page: the props `read` returns, with the tags of the CMS reads it
 * made; null from `read` is a 404.
 */
export async function taggedProps<P extends object>(read: () => Promise<P | null>): Promise<{ props: P & { cacheTags: string[] } } | { notFound: true }> {
  const tags = new Set<string>()
  const value = await collector.run(tags, read)
  return value ? { props: { ...value, cacheTags: [...tags].sort() } } : { notFound: true }
}

/**
 * A page rendered per request (getServerSideProps) from the cached reads above, the same for
 * every reader: browsers and caches may keep it but must check it again before each use (so
 * back/forward still works), instead of Next's default "no-store".
 */
export function sameForEveryone(res: { setHeader(name: string, value: string): unknown }) {
  res.setHeader('Cache-Control', 'public, max-age=0, must-revalidate')
}
