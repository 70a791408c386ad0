/**
 * Every field of a guide that a reader or a search engine can see is either covered by the
 * reviewer's sign-off (it is in the content hash) or listed here as deliberately outside it,
 * with the reason. Fields readers never see are listed too, so that a new field cannot slip in
 * unclassified: a test walks the Articles collection's fields and fails on any field missing
 * from these three lists, and another walks the rendered guide page (text, <head>, JSON-LD) and
 * fails on any words that come from none of them.
 */

/** In the content hash (content-hash.ts): changing any of them voids the sign-off. */
export const SIGNED_FIELDS = {
  title: 'The headline, the page <title> when no search title is set, JSON-LD name and headline.',
  slug: 'The guide\'s address.',
  summary: 'The dek under the title, in lists, and the meta description when none is set.',
  byline: '"By …" under the title: who stands behind the words.',
  meta: 'Search title and description: <title>, meta description, Open Graph and Twitter tags.',
  body: 'The guide itself, with its inline citations.',
  disclaimer: 'The medical disclaimer.',
  safety: 'The Safety section.',
  reviewIntervalMonths: 'Sets the public "next review due" date.',
  citedSources: 'Each cited source as signed (authors, title, journal, year, DOI, URL, note), snapshotted at publishing.',
} as const;

/** Reader-visible, deliberately outside the hash. */
export const UNSIGNED_READER_FIELDS = {
  topics: 'Navigation: which topic lists show the guide. Topic names are shared labels that make no health claim.',
  reviewer:
    'The signer: the reviewer\'s name, role and page. The sign-off names the reviewer; only admins can change a reviewer\'s name, role or credentials, and every change is in the audit log.',
  lastReviewedAt: 'The date of the sign-off itself, written by the workflow at publishing.',
  nextReviewDue: 'Computed at publishing from the sign-off date and the signed review interval.',
  createdAt: 'Server timestamp (JSON-LD datePublished).',
  updatedAt: 'Server timestamp (JSON-LD dateModified, article:modified_time).',
  retraction: 'Whether a cited source was retracted: a fact about the source, shown at once (in fixed words of the site, never the editor\'s note) so readers are never left trusting a retracted study.',
  related: 'Titles and summaries of other guides sharing a topic, each signed on its own.',
  reviewHistory:
    'The public record of past publications, written by the workflow: each review\'s date, the reviewer\'s name and role at the time, and the publishing editor\'s change note, shown as the editor\'s words.',
  signature:
    'Whether the sign-off carries the reviewer\'s passkey signature, checked by the site against the reviewer\'s published key: fixed words of the site (SIGNATURE_LABELS in sign-off-signature.ts).',
  siteChrome: 'The site\'s own words (header, footer, signup, section labels): in the code, reviewed with it, the same on every page.',
} as const;

/** Fields readers never see: staff-only, or the review workflow's own records. */
export const STAFF_ONLY_FIELDS = {
  id: 'Database id.',
  workflowPanel: 'Admin UI only.',
  editorialNotes: 'Staff comments; never leave the CMS.',
  stage: 'Workflow state.',
  assignedReviewer: 'Workflow state.',
  lastAuthor: 'Workflow state (four eyes).',
  signOff: 'The sign-off record itself (its hash covers the signed fields).',
  reviewFlag: 'Workflow state: why a re-review is needed.',
  scheduledPublish: 'Workflow state.',
  overdueNotifiedAt: 'Workflow bookkeeping.',
  _status: 'Payload\'s draft/published flag.',
} as const;

export type ReaderFieldClass = 'signed' | 'unsigned' | 'staff';

/** How a top-level guide field is classified, or null when it is in none of the lists. */
export function classifyGuideField(name: string): ReaderFieldClass | null {
  if (name in SIGNED_FIELDS) return 'signed';
  if (name in UNSIGNED_READER_FIELDS) return 'unsigned';
  if (name in STAFF_ONLY_FIELDS) return 'staff';
  return null;
}
