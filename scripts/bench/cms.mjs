// The bench's CMS client: the tests' (tests/helpers/cms-client.mjs) plus the review workflow the tests walk.
import { cmsClient as sharedClient } from '../../tests/helpers/cms-client.mjs'

export { guideData } from '../../tests/helpers/cms-client.mjs'

export function cmsClient(baseUrl) {
  const { login, rest, must } = sharedClient(baseUrl, { timeoutMs: 30_000 })
  const act = (id, as, action, extra = {}) => must(200, 'POST', `/api/articles/${id}/workflow`, { as, body: { action, ...extra } })

  async function reviewerId(slug = 'raphael-crawford-marks') {
    const id = (await must(200, 'GET', `/api/reviewers?where[slug][equals]=${slug}&depth=0`)).docs?.[0]?.id
    if (!id) throw new Error(`no reviewer with slug ${slug} in the seeded data`)
    return id
  }

  /** Submitted by one editor, sent to review by the other, signed off, published; returns the publish POST's end time. */
  async function reviewAndPublish(id, [submitter, sender], reviewer, publish = {}) {
    await act(id, submitter, 'submit')
    await act(id, sender, 'send_to_medical_review', { reviewer })
    await act(id, 'reviewer', 'sign_off')
    await act(id, 'editor', 'publish', publish)
    return performance.now()
  }

  /** A new guide, through the real workflow up to (and including) publish. */
  async function createAndPublish(data, reviewer) {
    const { id } = (await must(201, 'POST', '/api/articles', { as: 'editor', body: data })).doc
    return { id, publishedAt: await reviewAndPublish(id, ['editor', 'editor2'], reviewer) }
  }

  /** An edit to a live guide (new title by editor2), reviewed again and republished. */
  async function editAndRepublish(id, title, reviewer) {
    await must(200, 'PATCH', `/api/articles/${id}`, { as: 'editor2', body: { title } })
    return { publishedAt: await reviewAndPublish(id, ['editor2', 'editor'], reviewer, { note: 'New title.' }) }
  }

  return { login, rest, must, act, reviewerId, createAndPublish, editAndRepublish }
}
