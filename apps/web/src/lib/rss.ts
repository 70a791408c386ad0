/**
 * RSS 2.0, written by hand because every string in it comes from the CMS and must stay text.
 * (The `feed` library wraps text in CDATA through xml-js, which splits only the first `]]>`: a
 * summary holding two broke out of the CDATA section and could carry markup into the feed.)
 * Here every value is escaped as XML character data, and characters XML 1.0 forbids (control
 * characters, lone surrogates, U+FFFE/U+FFFF) are dropped, so any text gives a well-formed feed
 * whose text reads back exactly as written, minus those characters.
 */

export type RssChannel = {
  title: string
  link: string
  description: string
  language: string
  copyright: string
  selfLink: string
  lastBuildDate?: Date
}
export type RssItem = { title: string; link: string; guid: string; description: string; pubDate: Date }

// Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** Text as XML character data: forbidden characters dropped, markup characters escaped. */
export function xmlText(value: unknown): string {
  return (
    String(value ?? '')
      .replace(NOT_XML_CHAR, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // A parser turns a raw CR into LF (XML end-of-line handling); as a reference it stays a CR.
      .replace(/\r/g, '&#13;')
  )
}

const el = (name: string, value: unknown) => `<${name}>${xmlText(value)}</${name}>`
const validDate = (d: Date | undefined) => (d && !Number.isNaN(d.getTime()) ? d : undefined)

export function rss2(channel: RssChannel, items: RssItem[]): string {
  const built = validDate(channel.lastBuildDate)
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    el('title', channel.title),
    el('link', channel.link),
    el('description', channel.description),
    el('language', channel.language),
    el('copyright', channel.copyright),
    ...(built ? [el('lastBuildDate', built.toUTCString())] : []),
    el('generator', 'Runsense'),
    `<atom:link href="${xmlText(channel.selfLink)}" rel="self" type="application/rss+xml"/>`,
    ...items.map((item) => {
      const date = validDate(item.pubDate)
      return [
        '<item>',
        el('title', item.title),
        el('link', item.link),
        `<guid isPermaLink="true">${xmlText(item.guid)}</guid>`,
        el('description', item.description),
        ...(date ? [el('pubDate', date.toUTCString())] : []),
        '</item>',
      ].join('')
    }),
    '</channel>',
    '</rss>',
  ]
  return lines.join('\n') + '\n'
}
