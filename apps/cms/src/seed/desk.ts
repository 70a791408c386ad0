/**
 * `npm start`'s demo desk: three plainly-demo guides, one at each stage someone acts on, so a
 * newcomer's desk shows the review cycle at once (a draft with a section still to write, one
 * waiting for editorial review, one assigned to Raphael for medical review). Their words are
 * about the demo itself, never medical advice. They move through the one workflow entry point as
 * the demo editors, so the audit log, the desk's "moved by" and the reviewer's email are real.
 * Idempotent: a guide whose slug exists is left as it is.
 */
import { type Payload, createLocalReq } from 'payload'
import type { User } from '@runsense/types'
import { applyWorkflowAction } from '../collections/Articles/workflow'
import { block, heading, paragraph, root, textRuns } from './lexical'

type Step = { by: string; action: string; input?: Record<string, unknown> }

const demoText = (what: string, ...more: ReturnType<typeof block>[]) =>
  root([
    paragraph(textRuns(`Demo content to try the review workflow on a local copy of Runsense: ${what} It is not medical advice and is not on the site.`)),
    heading('h2', 'What to try'),
    paragraph(textRuns('Open the workflow panel beside this guide, move it on as the person the desk names, and watch the desk, the audit log and the mail catcher.')),
    ...more,
  ])

export const demoDeskGuides = (raphael: number): { slug: string; title: string; body: ReturnType<typeof root>; steps: Step[] }[] => [
  {
    slug: 'demo-draft-with-a-section-to-write',
    title: 'Demo guide: a draft with a section still to write',
    body: demoText(
      'a draft whose placeholder must be written before it can be published.',
      block({ blockType: 'needsContent', note: 'Demo placeholder: write this section (or delete the block) before sending the guide on.' }),
    ),
    steps: [],
  },
  {
    slug: 'demo-waiting-for-editorial-review',
    title: 'Demo guide: waiting for editorial review',
    body: demoText('submitted by Demo Editor; another editor (editor2) reviews it and sends it to a medical reviewer.'),
    steps: [{ by: 'editor@runsense.local', action: 'submit' }],
  },
  {
    slug: 'demo-in-medical-review',
    title: 'Demo guide: in medical review',
    body: demoText('assigned to Raphael (reviewer@runsense.local), who compares it with what was signed and signs it off.'),
    steps: [
      { by: 'editor@runsense.local', action: 'submit' },
      { by: 'editor2@runsense.local', action: 'send_to_medical_review', input: { reviewer: raphael } },
    ],
  },
]

export async function seedDemoDesk(payload: Payload, { userIds, raphael }: { userIds: Record<string, number>; raphael: number }) {
  const asUser = async (email: string) => {
    const user = (await payload.findByID({ collection: 'users', id: userIds[email], depth: 0, overrideAccess: true })) as unknown as User
    return { user, req: await createLocalReq({ user: { ...user, collection: 'users' } as never }, payload) }
  }
  for (const demo of demoDeskGuides(raphael)) {
    const { totalDocs } = await payload.count({ collection: 'articles', where: { slug: { equals: demo.slug } }, overrideAccess: true })
    if (totalDocs) continue
    const author = await asUser('editor@runsense.local')
    const guide = await payload.create({
      collection: 'articles',
      draft: true,
      overrideAccess: false,
      req: author.req,
      data: {
        title: demo.title,
        slug: demo.slug,
        byline: 'Demo Editor',
        summary: 'Demo content for trying the review workflow locally. Not medical advice.',
        disclaimer: 'Demo content: not medical advice.',
        reviewIntervalMonths: 12,
        body: demo.body as never,
        safety: root([paragraph(textRuns('Demo content: in a real guide, this section says when to stop and see a clinician.'))]) as never,
      },
    })
    for (const step of demo.steps) {
      const { user, req } = await asUser(step.by)
      const result = await applyWorkflowAction(req, guide.id, user, step.action, step.input ?? {})
      if (!result.ok) throw new Error(`Demo desk: ${step.action} on "${demo.title}" as ${step.by} was refused: ${result.error}`)
    }
  }
}
