/** URL slugs for guides and heading anchors. Pure: no runtime imports. */

export const MAX_SLUG_LENGTH = 96

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** Letters that NFKD does not decompose into an ASCII base letter. */
const TRANSLITERATIONS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
}

/**
 * Turns a title into a URL slug: lowercase ASCII letters and digits separated
 * by single dashes, at most 96 characters (cut at a dash where possible).
 * Returns '' when the title has no letters or digits at all.
 */
export function slugify(title: string | null | undefined): string {
  if (typeof title !== 'string') return ''
  let s = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßẞæÆœŒøØłŁđĐðÐþÞı]/g, (c) => TRANSLITERATIONS[c] ?? c)
    .toLowerCase()
    .replace(/&/g, ' and ')
    // "Runner's knee" -> "runners-knee", not "runner-s-knee".
    .replace(/([a-z0-9])['’]+(?=[a-z0-9])/g, '$1')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (s.length > MAX_SLUG_LENGTH) {
    const head = s.slice(0, MAX_SLUG_LENGTH + 1)
    const cut = head.endsWith('-') ? MAX_SLUG_LENGTH : head.lastIndexOf('-')
    s = (cut > 0 ? s.slice(0, cut) : s.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, '')
  }
  return s
}

/** True for a non-empty slug of the form slugify produces. */
export function isValidSlug(slug: unknown): slug is string {
  return typeof slug === 'string' && slug.length > 0 && slug.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(slug)
}
