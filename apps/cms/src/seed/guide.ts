/**
 * The publication's real guide (shared/seeds/000_7c7c847dcef1b7e3.txt) as structured content.
 * The words are the seed's own; nothing medical is added. The one section whose body is
 * missing from the seed keeps its heading and an editor-only "needs content" marker.
 */

type Inline = string | { cite: 'gabbett2016' }

export const reviewers = {
  raphael: {
    name: 'Raphael Crawford-Marks',
    slug: 'raphael-crawford-marks',
    role: 'Founder',
    bio: 'Founder of Runsense.',
  },
  // Plainly demo data: never a real-sounding clinician.
  demo: {
    name: 'Demo Reviewer',
    slug: 'demo-reviewer',
    role: 'Demo account',
    credentials: 'Not a real person',
    bio: 'A demo reviewer profile for local development and tests. Not a real clinician.',
  },
} as const

export const sources = {
  gabbett2016: {
    authors: ['Gabbett TJ'],
    title: 'The training-injury prevention paradox: should athletes be training smarter and harder?',
    container: 'British Journal of Sports Medicine',
    year: 2016,
    volume: '50',
    issue: '5',
    pages: '273-280',
    note: 'Review of training-load and injury research (team-sport origin)',
  },
} as const

export const guide = {
  title: 'Returning to Running After an Injury',
  slug: 'returning-to-running-after-an-injury',
  byline: 'Runsense',
  summary: 'The comeback is where a lot of runners get hurt a second time — almost always by doing too much, too soon. A patient, graduated return is what protects it.',
  lastReviewed: '2026-06-09',
  disclaimer:
    'This is general education, not medical advice, and not a substitute for the specific return-to-run plan a clinician gives you for a diagnosed injury — especially a bone injury.',
  body: [
    {
      p: [
        'The comeback is where a lot of runners get hurt a second time — almost always by doing too much, too soon, out of eagerness to be back. A patient, graduated return is what protects it.',
      ],
    },
    { h2: 'The principle — rebuild gradually' },
    {
      p: [
        'The single biggest predictor of running injury is how *fast* training load rises relative to what your body is currently prepared for',
        { cite: 'gabbett2016' },
        ". That's the same logic that governs a good comeback: raise load steadily and avoid the spikes. Time off costs you some fitness and some tissue capacity, so the load your body could handle before the injury is not the load to restart at.",
      ],
    },
    { h2: 'Why the first weeks back are the riskiest' },
    {
      p: [
        'Two things stack up early. Detraining means muscles, tendons, and especially bone have lost some of the capacity they had — and eagerness pushes you to add volume fast. That mismatch between load and current capacity is exactly what caused the original injury, which is why the comeback is the time to be *most* conservative, not least.',
      ],
    },
    { h2: 'How to come back — the general playbook' },
    { p: ['The details depend on the injury, but the shape is consistent:'] },
    {
      needsContent:
        'Needs content: the seed text has this heading and its first sentence but not the playbook itself. Write it and have it medically reviewed; do not publish advice here without a sign-off.',
    },
    { h2: 'Bone injuries need extra patience' },
    {
      p: [
        'A return from a bone stress injury is slower and more cautious than a soft-tissue comeback, and it should follow the graded plan your clinician gives you. Bone needs time to rebuild capacity, and rushing it is the classic way a healing stress injury becomes a setback.',
      ],
    },
    { h2: 'When to get guidance' },
    {
      p: [
        "For anything more than a minor ache — and always for a diagnosed injury — a physical therapist's return-to-run plan is tailored to the specific tissue and timeline. See someone if pain comes back every time you build up, or you're unsure whether you're ready to progress.",
      ],
    },
  ] as ({ p: Inline[] } | { h2: string } | { needsContent: string })[],
  safety: [
    'This article is general education, not medical advice, and not a substitute for the return-to-run plan a clinician gives you for a specific injury (especially a bone injury). Pain that rises during a run, or that persists, means stop and get assessed.',
  ],
}

export const topics = {
  injury: {
    name: 'Injury and comebacks',
    slug: 'injury-and-comebacks',
    description: 'Coming back from time off and injury: how to rebuild load safely, and when to get help.',
  },
} as const

/** The editorial policy, in the publication's own stance (see the seed guide's disclaimer). */
export const editorialPolicy = {
  title: 'Editorial policy',
  summary: 'How Runsense guides are written, reviewed and kept up to date.',
  paragraphs: [
    'Runsense guides are general education, not medical advice. They are not a substitute for the plan a clinician gives you for a specific injury or condition.',
    'Every guide is written and edited by the Runsense team. Before it is published, a second editor checks it, and a medical reviewer reads the exact text and signs it off. If the text changes after the sign-off, it is reviewed again before the change goes live.',
    'Each guide names its reviewer and the date of its last review. Claims are cited inline and the sources are listed at the end of the guide. If a cited source changes or is retracted, the guides citing it are flagged for a new review.',
    'Guides are reviewed again on a schedule, at least once a year. When a review is overdue, the guide still shows the true date of its last review.',
  ],
} as const
