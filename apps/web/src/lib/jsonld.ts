/**
 * JSON-LD for a guide, built from the same records as the visible byline (the guide, its
 * reviewer and its cited sources), so the markup cannot claim a review the page does not show.
 */
import type { MedicalWebPage, WithContext } from 'schema-dts'
import { formatSource, formatSourceParts } from '@runsense/domain/sources'
import type { Guide } from './content'
import { isoDay } from './format'
import { SITE_NAME, siteUrl } from './site'

export function guideJsonLd(guide: Guide, sources: Guide['sources']): WithContext<MedicalWebPage> {
  const url = `${siteUrl()}/guides/${guide.slug}`
  const org = { '@type': 'Organization' as const, name: SITE_NAME, url: siteUrl() }
  const reviewed = guide.reviewer && guide.lastReviewedAt
  return {
    '@context': 'https://schema.org',
    '@type': 'MedicalWebPage',
    '@id': url,
    url,
    name: guide.title,
    headline: guide.title,
    description: guide.summary,
    inLanguage: 'en',
    datePublished: guide.createdAt,
    dateModified: guide.updatedAt,
    author: org,
    publisher: org,
    // The review record: the signed hash and the exact canonical content, for anyone to verify.
    subjectOf: { '@type': 'DigitalDocument', name: 'Review record', encodingFormat: 'application/json', url: `${url}/review.json` },
    ...(reviewed
      ? {
          lastReviewed: isoDay(guide.lastReviewedAt),
          reviewedBy: {
            '@type': 'Person',
            name: guide.reviewer!.name,
            jobTitle: guide.reviewer!.role,
            url: `${siteUrl()}/reviewers/${guide.reviewer!.slug}`,
          },
        }
      : {}),
    citation: sources.map((s) => {
      const p = formatSourceParts(s)
      return {
        '@type': p.container ? ('ScholarlyArticle' as const) : ('CreativeWork' as const),
        name: p.title ?? s.title,
        ...(p.authors ? { author: p.authors } : {}),
        ...(p.year ? { datePublished: String(p.year) } : {}),
        ...(p.container ? { isPartOf: { '@type': 'Periodical' as const, name: p.container } } : {}),
        ...(p.doi ? { identifier: { '@type': 'PropertyValue' as const, propertyID: 'DOI', value: p.doi }, sameAs: p.doiUrl! } : p.url ? { url: p.url } : {}),
        description: formatSource(s),
      }
    }),
  }
}

/** Serialises JSON-LD for a <script> tag without letting text close the tag. */
export const jsonLdString = (data: unknown) => JSON.stringify(data).replace(/</g, '\\u003c')
