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
  slug: "The guide's address.",
  summary: 'The dek under the title, in lists, and the meta description when none is set.',
  byline: '"By …" under the title: who stands behind the words.',
  meta: 'Search title and description: <title>, meta description, Open Graph and Twitter tags.',
  body: 'The guide itself, with its inline citations.',
  disclaimer: 'The medical disclaimer.',
  safety: 'The Safety section.',
  reviewIntervalMonths: 'Sets the public "next review due" date.',
  citedSources: 'Each cited source as signed (authors, title, journal, year, DOI, URL, note), snapshotted at publishing.',
} as const

/** Reader-visible, deliberately outside the hash. */
export const UNSIGNED_READER_FIELDS = {
  topics: 'Navigation: which topic lists show the guide. Topic names are short shared labels that only admins write (audited).',
  reviewer:
    "The signer: the reviewer's name, role and page. The sign-off names the reviewer; only admins can change a reviewer's name, role or credentials, and every change is in the audit log.",
  lastReviewedAt: 'The date of the sign-off itself, written by the workflow at publishing.',
  nextReviewDue: 'Computed at publishing from the sign-off date and the signed review interval.',
  createdAt: 'Server timestamp (JSON-LD datePublished).',
  updatedAt: 'Server timestamp (JSON-LD dateModified, article:modified_time).',
  retraction:
    "Whether a cited source was retracted: a fact about the source, shown at once (in fixed words of the site, never the editor's note) so readers are never left trusting a retracted study.",
  related: 'Titles and summaries of other guides sharing a topic, each signed on its own.',
  reviewHistory:
    "The public record of past publications, written by the workflow: each review's date, the reviewer's name and role at the time, and the publishing editor's change note, shown as the editor's words and marked as not medically reviewed (EXEMPT_NOTICES.changeNotes).",
  signature:
    "Whether the sign-off carries the reviewer's passkey signature, checked by the site against the reviewer's published key: fixed words of the site (SIGNATURE_LABELS in sign-off-signature.ts).",
  siteChrome: "The site's own words (header, footer, signup, section labels): in the code, reviewed with it, the same on every page.",
} as const

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
  _status: "Payload's draft/published flag.",
} as const

export type ReaderFieldClass = 'signed' | 'unsigned' | 'staff'

/** How a top-level guide field is classified, or null when it is in none of the lists. */
export function classifyGuideField(name: string): ReaderFieldClass | null {
  if (name in SIGNED_FIELDS) return 'signed'
  if (name in UNSIGNED_READER_FIELDS) return 'unsigned'
  if (name in STAFF_ONLY_FIELDS) return 'staff'
  return null
}

/**
 * Words readers see that are not part of any guide. None of them is medically reviewed, on
 * purpose: they make no health claim of their own or they are the publication's framing, and
 * where an editor writes free prose that a reader could mistake for advice, the page says so in
 * the words of EXEMPT_NOTICES, next to those words. Every field of these collections is listed
 * (a test walks them), so a new field cannot reach readers unclassified.
 */
export type OtherFieldClass = 'exempt' | 'signed-elsewhere' | 'staff'

export const EXEMPT_NOTICES = {
  /**
   * Opens the inbox preview line of every newsletter email, before the editors' preheader: mail
   * apps list an email by its subject and this line, away from the body's notice.
   */
  inboxPreview: 'Editors’ note, not medically reviewed:',
  /** Beside a newsletter issue's subject and intro, in the email and its web version. */
  editorsNote: 'From the editors: this note is not medically reviewed. The guides it points to are.',
  /** Above the list of past issues on /newsletter (their subjects are the editors' words). */
  pastIssues: 'Each issue is a short note from the editors, not medically reviewed, pointing to a guide that is.',
  /** Under the editorial policy's title. */
  editorialPolicy: "The publication's own policy, written by the editors. It is not health advice and is not medically reviewed.",
  /** Under a topic's description on its page. */
  topicDescription: "Topic descriptions are the editors' words and are not medically reviewed; each guide listed here is.",
  /** Under a guide's review history when an entry carries the publishing editor's change note. */
  changeNotes: 'Editor’s notes say what changed, in the editors’ words; they are not medically reviewed.',
  /** Before a reviewer's bio on their page. */
  reviewerBio: "In the reviewer's own words; not part of any reviewed guide.",
} as const

const exempt = (why: string) => ({ class: 'exempt' as const, why })
const staff = (why: string) => ({ class: 'staff' as const, why })
const signedElsewhere = (why: string) => ({ class: 'signed-elsewhere' as const, why })

export const OTHER_READER_CONTENT: Record<string, Record<string, { class: OtherFieldClass; why: string }>> = {
  reviewers: {
    id: staff('Database id.'),
    name: exempt('The signer\'s name: admin-only, audited, and shown as the sign-off\'s "Reviewed by".'),
    slug: exempt("The profile's address; admin-only, audited."),
    role: exempt("The signer's role: admin-only, audited."),
    credentials: exempt('Credentials, verified by an admin (the page says when).'),
    registrationBody: exempt('The professional register, verified by an admin.'),
    registrationNumber: exempt('The registration number, verified by an admin.'),
    verification: exempt('When and until when an admin verified the credentials ("Credentials verified on DATE").'),
    bio: exempt("The reviewer's own words about themself, marked on the page (EXEMPT_NOTICES.reviewerBio)."),
    createdAt: staff('Server timestamp.'),
    updatedAt: staff('Server timestamp.'),
  },
  topics: {
    id: staff('Database id.'),
    name: exempt('A short navigation label shared by guides (at most 60 characters): only admins create or rename a topic, and every change is audited.'),
    slug: exempt("The topic page's address."),
    description: exempt("One line saying what the topic's list holds (editors and admins only), marked on the page (EXEMPT_NOTICES.topicDescription)."),
    createdAt: staff('Server timestamp.'),
    updatedAt: staff('Server timestamp.'),
  },
  'editorial-policy': {
    id: staff('Database id.'),
    title: exempt("The policy page's title."),
    summary: exempt("The policy, marked on the page as the editors' own (EXEMPT_NOTICES.editorialPolicy)."),
    body: exempt("The policy, marked on the page as the editors' own (EXEMPT_NOTICES.editorialPolicy)."),
    createdAt: staff('Server timestamp.'),
    updatedAt: staff('Server timestamp.'),
    globalType: staff("Payload's own field."),
  },
  'newsletter-issues': {
    id: staff('Database id.'),
    subject: exempt(
      "The email subject and web heading, marked as the editors' note: in the body and on the web by EXEMPT_NOTICES.editorsNote, in an inbox list by the preview line beside it (EXEMPT_NOTICES.inboxPreview).",
    ),
    preheader: exempt('The inbox preview line, always after the fixed words EXEMPT_NOTICES.inboxPreview; never on the web version.'),
    intro: exempt("The editors' note before the guide, marked as not medically reviewed (EXEMPT_NOTICES.editorsNote)."),
    featuredGuide: signedElsewhere("Shows the guide's own signed title and summary, and its sign-off line; only a live guide whose sign-off matches can be sent."),
    alsoWorthReading: signedElsewhere('Titles and summaries of live guides, each signed on its own.'),
    content: signedElsewhere('The frozen copy of the above taken when sending starts (what the email and web version show).'),
    rendered: signedElsewhere('The email rendered from `content`.'),
    slug: exempt("The web version's address, made from the subject."),
    sentAt: exempt('The date the issue went out, written by the sender.'),
    sendPanel: staff('Admin UI only.'),
    status: staff('Sending state.'),
    scheduledFor: staff('Sending state.'),
    scheduledBy: staff('Sending state.'),
    startedAt: staff('Sending state.'),
    recipients: staff('Sending state.'),
    log: staff('Who sent, scheduled or cancelled, and when.'),
    createdAt: staff('Server timestamp.'),
    updatedAt: staff('Server timestamp.'),
  },
}
