/**
 * The site's one way to read content: the CMS's public REST API, anonymously, so the CMS's
 * access rules decide what a reader may see (published guides only). Every read is cached under
 * tags from @runsense/domain/cache-tags, which the CMS's revalidation uses too.
 */
import { unstable_cache } from 'next/cache'
import type { Article, EditorialPolicy, Reviewer, Source, Topic } from '@runsense/types'
import { tags } from '@runsense/domain/cache-tags'
import { citedSourceIds } from '@runsense/domain/citations'
import type { SourceData } from '@runsense/domain/sources'
import { type IssueContent, PUBLIC_ISSUE_STATUSES } from '@runsense/domain/newsletter'
import { type HistoryEntry, historyEntries } from '@runsense/domain/workflow'
import { noteCacheTags } from './pageCache'

export const cmsUrl = () => (process.env.CMS_URL || 'http://localhost:3001').replace(/\/$/, '')

/**
 * Every request the site makes to the CMS (`path` starts with /api/). Never cached by Next's fetch,
 * and uncompressed: the two talk over a local network, where gzipping each small answer cost both
 * sides about a millisecond of CPU per request (measured on signups) and saved nothing.
 */
export const cmsFetch = (path: string, init: RequestInit = {}) =>
  fetch(`${cmsUrl()}${path}`, { cache: 'no-store', ...init, headers: { 'accept-encoding': 'identity', ...(init.headers as Record<string, string> | undefined) } })

/** The CMS could not be reached or answered an error (server.mjs turns the page's 500 into a readable 503). */
export class ContentUnavailableError extends Error {}

type ListResponse<T> = { docs: T[]; totalDocs: number; totalPages: number; page: number }

/**
 * How long one CMS read may take (CMS_READ_TIMEOUT_MS, default 1000). A CMS that hangs (frozen,
 * overloaded, a half-open connection) must not hold a reader's page: past this, the read fails and
 * the page answers the readable 503 at once, while cached pages keep being served.
 */
const readTimeoutMs = () => {
  const n = Number(process.env.CMS_READ_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? n : 1000
}

async function fetchJson<T>(path: string, headers: Record<string, string>): Promise<T> {
  const timeout = readTimeoutMs()
  try {
    // The body is read under the same deadline: a CMS that stops mid-answer is as gone as one that never answers.
    const res = await cmsFetch(path, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeout) })
    if (!res.ok) throw new ContentUnavailableError(`The CMS answered ${res.status} for ${path}`)
    return (await res.json()) as T
  } catch (err) {
    if (err instanceof ContentUnavailableError) throw err
    const e = err as Error
    const why = e.name === 'TimeoutError' ? `no answer within ${timeout} ms` : e.message
    throw new ContentUnavailableError(`The CMS at ${cmsUrl()} could not be read (${path}): ${why}`)
  }
}

/**
 * An anonymous read is cached (Next's data cache, in both routers) under its tags until the CMS
 * revalidates one of them; failures are not cached. With a staff token (draft preview) the read
 * is authenticated and never cached.
 */
async function getJson<T>(path: string, cacheTags: string[], staffToken?: string): Promise<T> {
  if (staffToken) return fetchJson<T>(path, { authorization: `JWT ${staffToken}` })
  noteCacheTags(cacheTags)
  return unstable_cache(() => fetchJson<T>(path, {}), ['cms', path], { tags: cacheTags })()
}

const published = 'where[_status][equals]=published&joins=false'

export type GuideSummary = Pick<Article, 'id' | 'title' | 'slug' | 'summary' | 'lastReviewedAt' | 'updatedAt'> & { reviewer: Reviewer | null }

const SUMMARY_FIELDS = ['title', 'slug', 'summary', 'lastReviewedAt', 'updatedAt', 'reviewer'].map((f) => `&select[${f}]=true`).join('')

const asReviewer = (r: Article['reviewer']): Reviewer | null => (r && typeof r === 'object' ? r : null)

/** Published guides, newest review first; optionally on one topic (by id). */
export async function listGuides({ limit = 20, page = 1, topicId }: { limit?: number; page?: number; topicId?: number } = {}): Promise<{
  guides: GuideSummary[]
  totalPages: number
}> {
  const topicFilter = topicId ? `&where[topics][in]=${topicId}` : ''
  const res = await getJson<ListResponse<Article>>(`/api/articles?${published}${topicFilter}&depth=1&limit=${limit}&page=${page}&sort=-lastReviewedAt${SUMMARY_FIELDS}`, [
    tags.guides,
  ])
  return {
    guides: res.docs.map((d) => ({ ...d, reviewer: asReviewer(d.reviewer) })),
    totalPages: res.totalPages,
  }
}

/** Every published guide (for the sitemap and the feed). */
export const allGuides = () => listGuides({ limit: 1000 })

export async function listTopics(): Promise<Topic[]> {
  return (await getJson<ListResponse<Topic>>('/api/topics?limit=200&depth=0&sort=name', [tags.topics])).docs
}

export async function getTopic(slug: string): Promise<Topic | null> {
  const res = await getJson<ListResponse<Topic>>(`/api/topics?where[slug][equals]=${encodeURIComponent(slug)}&depth=0&limit=1`, [tags.topics, tags.topic(slug)])
  return res.docs[0] ?? null
}

export async function listReviewers(): Promise<Reviewer[]> {
  return (await getJson<ListResponse<Reviewer>>('/api/reviewers?limit=200&depth=0', [tags.reviewers])).docs
}

export async function getEditorialPolicy(): Promise<EditorialPolicy> {
  return getJson<EditorialPolicy>('/api/globals/editorial-policy?depth=0', [tags.editorialPolicy])
}

/** Other published guides sharing a topic with this one. */
export async function relatedGuides(guide: Article, limit = 3): Promise<GuideSummary[]> {
  const topicIds = (guide.topics ?? []).map((t) => (typeof t === 'object' ? t.id : t))
  if (!topicIds.length) return []
  const res = await getJson<ListResponse<Article>>(
    `/api/articles?${published}&where[topics][in]=${topicIds.join(',')}&where[id][not_equals]=${guide.id}&depth=1&limit=${limit}&sort=-lastReviewedAt${SUMMARY_FIELDS}`,
    [tags.guides],
  )
  return res.docs.map((d) => ({ ...d, reviewer: asReviewer(d.reviewer) }))
}

/** A cited source as the page shows it: its citation data as signed, and whether it is now retracted. */
export type CitedSource = SourceData
export type Guide = Article & { reviewer: Reviewer | null; sources: CitedSource[] }

/**
 * A published guide with its reviewer and the sources it cites, or null when there is none.
 * Each source is shown as it was signed (the snapshot kept with the published version), so an
 * edit of a shared source never reaches the page before a re-review is published; only whether
 * it was retracted is read live (a fact readers must see at once). The editor's retraction note
 * is not shown: it is free text nobody signed.
 * With a staff token (draft preview), the latest draft with its sources as they are now.
 */
export async function getGuide(slug: string, staffToken?: string): Promise<Guide | null> {
  const res = await getJson<ListResponse<Article>>(
    staffToken
      ? `/api/articles?draft=true&joins=false&where[slug][equals]=${encodeURIComponent(slug)}&depth=1&limit=1`
      : `/api/articles?${published}&where[slug][equals]=${encodeURIComponent(slug)}&depth=1&limit=1`,
    // The guide shows its reviewer (review line, JSON-LD): a reviewer's change expires it too.
    [tags.guide(slug), tags.reviewers],
    staffToken,
  )
  const article = res.docs[0]
  if (!article) return null
  const ids = citedSourceIds(article.body)
  // Readers see each source only as signed (the published snapshot; every published guide has one,
  // migration 20261202_010000): never the live record, which an editor can change at any time.
  const snapshot = staffToken ? null : Array.isArray(article.citedSources) ? (article.citedSources as CitedSource[]) : []
  const live = ids.length
    ? (
        await getJson<ListResponse<Source>>(
          `/api/sources?where[id][in]=${ids.map(encodeURIComponent).join(',')}&depth=0&limit=${ids.length}${snapshot ? '&select[retracted]=true' : ''}`,
          [tags.sources, tags.guide(slug)],
          staffToken,
        )
      ).docs
    : []
  const retraction = new Map(live.map((s) => [String(s.id), s]))
  const sources: CitedSource[] = snapshot
    ? snapshot.map((s) => {
        const now = retraction.get(String(s.id))
        return now?.retracted ? { ...s, retracted: true } : s
      })
    : live
  return { ...article, reviewer: asReviewer(article.reviewer), sources, reviewHistory: await withCurrentAddresses(article.reviewHistory) }
}

/**
 * A history entry names its reviewer as they were at the time (name, role), but links to their
 * page as it is now: a profile whose address changed since would otherwise be linked, and its
 * keys.json (which verifies the entry's signature) fetched, at an address that no longer exists.
 */
async function withCurrentAddresses(history: unknown): Promise<HistoryEntry[]> {
  const entries = historyEntries(history)
  if (!entries.some((e) => e.reviewer)) return entries
  const ids = [...new Set(entries.flatMap((e) => (e.reviewer ? [e.reviewer.id] : [])))]
  const named = await getJson<ListResponse<Pick<Reviewer, 'id' | 'slug'>>>(`/api/reviewers?where[id][in]=${ids.join(',')}&depth=0&limit=${ids.length}&select[slug]=true`, [
    tags.reviewers,
  ])
  const slugs = new Map(named.docs.map((r) => [r.id, r.slug]))
  return entries.map((e) => {
    const now = e.reviewer ? slugs.get(e.reviewer.id) : null
    return e.reviewer && now ? { ...e, reviewer: { ...e.reviewer, slug: now } } : e
  })
}

export async function getReviewer(slug: string): Promise<{ reviewer: Reviewer; guides: GuideSummary[] } | null> {
  const res = await getJson<ListResponse<Reviewer>>(`/api/reviewers?where[slug][equals]=${encodeURIComponent(slug)}&depth=0&limit=1`, [tags.reviewers, tags.reviewer(slug)])
  const reviewer = res.docs[0]
  if (!reviewer) return null
  const list = await getJson<ListResponse<Article>>(`/api/articles?${published}&where[reviewer][equals]=${reviewer.id}&depth=0&limit=100&sort=-lastReviewedAt${SUMMARY_FIELDS}`, [
    tags.guides,
    tags.reviewer(slug),
  ])
  return { reviewer, guides: list.docs.map((d) => ({ ...d, reviewer })) }
}

/** A reviewer's published passkeys (public keys only; retired ones stay listed so old signatures still verify). */
export type PublishedKeyRecord = { credentialId: string; alg: number; jwk: Record<string, unknown>; addedAt: string; retiredAt: string | null }

export async function getReviewerKeys(reviewer: { id: number; slug?: string | null }): Promise<PublishedKeyRecord[]> {
  const res = await getJson<{ keys: PublishedKeyRecord[] }>(`/api/reviewer-passkeys/published/${reviewer.id}`, [
    tags.reviewers,
    ...(reviewer.slug ? [tags.reviewer(reviewer.slug)] : []),
  ])
  return res.keys
}

/**
 * A sent newsletter issue as the site lists it; the CMS shows readers only sent issues. Not its
 * preheader: that is an inbox line only, where the fixed marker goes before it (inboxPreview).
 */
export type SentIssue = { slug: string; subject: string; sentAt: string | null }
const ISSUE_FIELDS = ['slug', 'subject', 'sentAt'].map((f) => `&select[${f}]=true`).join('')

/** Past issues for /newsletter, newest first. */
export async function listSentIssues(limit = 52): Promise<SentIssue[]> {
  const res = await getJson<ListResponse<SentIssue>>(`/api/newsletter-issues?where[status][equals]=sent&sort=-sentAt&depth=0&limit=${limit}${ISSUE_FIELDS}`, [
    tags.newsletterIssues,
  ])
  return res.docs
}

/**
 * One issue's web version: exactly what was emailed (frozen when sending started). Open from the
 * start of its send (every email links here), while the list above waits until it is sent.
 */
export async function getSentIssue(slug: string): Promise<(SentIssue & { content: IssueContent }) | null> {
  const res = await getJson<ListResponse<SentIssue & { content: IssueContent | null }>>(
    `/api/newsletter-issues?where[slug][equals]=${encodeURIComponent(slug)}&where[status][in]=${PUBLIC_ISSUE_STATUSES.join(',')}&depth=0&limit=1${ISSUE_FIELDS}&select[content]=true`,
    [tags.newsletterIssues, tags.newsletterIssue(slug)],
  )
  const doc = res.docs[0]
  return doc?.content ? { ...doc, content: doc.content } : null
}
