/**
 * Who hears about what in the review workflow. Emails are queued on the jobs queue inside the
 * action's transaction (so they exist only if it commits) and sent with retries: an action
 * never waits on SMTP and succeeds while SMTP is down.
 */
import type { PayloadRequest } from 'payload'
import type { Article, User } from '@runsense/types'
import { queueEmails } from '../../jobs/sendEmail'

/** A document's page in the admin (a guide unless told), for the emails' "Open it" links. */
export const cmsLink = (id: number, collection: 'articles' | 'newsletter-issues' = 'articles') =>
  `${(process.env.CMS_URL || 'http://localhost:3001').replace(/\/$/, '')}/admin/collections/${collection}/${id}`

async function usersWhere(req: PayloadRequest, where: Record<string, unknown>): Promise<User[]> {
  const { docs } = await req.payload.find({ collection: 'users', where: where as never, depth: 0, limit: 100, overrideAccess: true, req })
  return docs
}
export const reviewerUsers = (req: PayloadRequest, reviewerId: number | string) => usersWhere(req, { reviewer: { equals: Number(reviewerId) } })
export const editorUsers = (req: PayloadRequest) => usersWhere(req, { role: { in: ['editor', 'admin'] } })

export async function queueNotice(req: PayloadRequest, to: User[], kind: string, subject: string, lines: string[]) {
  await queueEmails(
    req,
    to.map((user) => ({ kind, to: user.email, subject, text: `Hello ${user.name},\n\n${lines.join('\n\n')}\n\nRunsense CMS\n` })),
  )
}

export async function notifyForAction(
  req: PayloadRequest,
  action: string,
  guide: Pick<Article, 'id' | 'title'> & { lastAuthor?: unknown },
  actor: User,
  { note, reviewerId }: { note?: string; reviewerId?: string | null },
) {
  const link = `Open it: ${cmsLink(guide.id)}`
  if (action === 'send_to_medical_review' && reviewerId) {
    await queueNotice(req, await reviewerUsers(req, reviewerId), 'review-requested', `Please review: ${guide.title}`, [
      `${actor.name} sent "${guide.title}" to you for medical review.`,
      link,
    ])
  } else if (action === 'request_changes') {
    const authorId = typeof guide.lastAuthor === 'object' && guide.lastAuthor ? (guide.lastAuthor as { id: number }).id : guide.lastAuthor
    const author = authorId ? await usersWhere(req, { id: { equals: Number(authorId) } }) : []
    await queueNotice(req, author.length ? author : await editorUsers(req), 'changes-requested', `Changes requested: ${guide.title}`, [
      `${actor.name} asked for changes to "${guide.title}":`,
      note ?? '',
      link,
    ])
  } else if (action === 'sign_off') {
    await queueNotice(req, await editorUsers(req), 'signed-off', `Signed off: ${guide.title}`, [`${actor.name} signed off "${guide.title}". It can be published now.`, link])
  }
}

/** An edit during medical review took the guide back to editorial review: its reviewer should stop. */
export async function notifyReturnedToEditorialReview(req: PayloadRequest, guide: Pick<Article, 'id' | 'title'>, reviewer: unknown, editor: User | null) {
  const reviewerId = typeof reviewer === 'object' && reviewer ? (reviewer as { id: number }).id : reviewer
  await queueNotice(req, await reviewerUsers(req, String(reviewerId)), 'returned-to-editorial-review', `No longer ready for your review: ${guide.title}`, [
    `${editor?.name ?? 'An editor'} changed "${guide.title}" while it was with you for medical review, so it went back to editorial review.`,
    'Another editor will send you the changed text; there is nothing to sign until then.',
    `Open it: ${cmsLink(guide.id)}`,
  ])
}

/**
 * A cited source changed or was retracted: the reviewer assigned to each citing guide is told
 * what it means for that guide, which depends on where it stands: in medical review, theirs to
 * review with the source as it is now; published or signed off, a re-review an editor starts;
 * being revised, the text sent to them next covers it. Only a live guide has readers and a page
 * to link to.
 */
export async function notifySourceChanged(
  req: PayloadRequest,
  guide: Pick<Article, 'id' | 'title' | 'slug' | 'stage'>,
  reviewerId: number | string,
  reason: string,
  { live }: { live: boolean },
) {
  const site = (process.env.SITE_URL || 'http://localhost:3000').replace(/\/$/, '')
  const what =
    guide.stage === 'published' || guide.stage === 'approved'
      ? `The guide "${guide.title}" cites it, so it needs a new review: an editor starts it with "Start re-review".`
      : `The guide "${guide.title}" cites it and is being revised: the text sent to you next covers the source as it is now.`
  const readers = live ? 'Readers keep seeing the signed version until a new review is published.' : 'It is not published.'
  await queueNotice(req, await reviewerUsers(req, reviewerId), 'source-changed', `Re-review needed: ${guide.title}`, [
    reason,
    `${what} ${readers}`,
    `Open it: ${cmsLink(guide.id)}`,
    ...(live ? [`Live page: ${site}/guides/${guide.slug}`] : []),
  ])
}
