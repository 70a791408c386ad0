import fc from 'fast-check'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { rss2, xmlText } from './rss'

const HOSTILE = [
  'A ]]> B ]]> <script>alert(1)</script>',
  ']]><script xmlns="http://www.w3.org/1999/xhtml">alert(document.domain)</script><![CDATA[',
  'Tom & Jerry <b>bold</b> "quotes" \'apos\'',
  'bell\u0007 nul\u0000 esc\u001b vt\u000b del ok\u007f',
  'lone surrogate \uD800 and \uFFFE end',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
  '<?xml-stylesheet href="evil.xsl"?>',
]

// The same forbidden characters rss.ts drops: what a reader should read back.
const readable = (s: string) => s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')

function feedOf(title: string, summary: string) {
  return rss2(
    {
      title: 'Runsense',
      link: 'https://example.test/',
      description: 'Guides',
      language: 'en',
      copyright: '© Runsense',
      selfLink: 'https://example.test/rss.xml',
      lastBuildDate: new Date('2026-11-01T00:00:00Z'),
    },
    [{ title, link: 'https://example.test/guides/x', guid: 'https://example.test/guides/x', description: summary, pubDate: new Date('2026-11-01T00:00:00Z') }],
  )
}

/** Parsed with an XML parser (entities decoded, no CDATA hiding anything): the one item's title and description. */
function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true)
  const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false, processEntities: true, htmlEntities: true }).parse(xml)
  const item = doc.rss.channel.item
  return { doc, title: String(item.title ?? ''), description: String(item.description ?? '') }
}

/** Every element name in the parsed document. */
function elementNames(node: unknown, names = new Set<string>()): Set<string> {
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (!k.startsWith('@_') && k !== '#text') names.add(k)
      elementNames(v, names)
    }
  }
  return names
}

describe('the RSS feed (lib/rss.ts)', () => {
  it.each(HOSTILE)('stays well-formed and inert with a hostile title and summary: %j', (text) => {
    const xml = feedOf(text, `${text} ${text}`)
    const { doc, title, description } = parse(xml)
    expect(title).toBe(readable(text))
    expect(description).toBe(readable(`${text} ${text}`))
    // Only the feed's own elements exist: nothing the text tried to open.
    expect([...elementNames(doc)].sort()).toEqual(
      ['?xml', 'atom:link', 'channel', 'copyright', 'description', 'generator', 'guid', 'item', 'language', 'lastBuildDate', 'link', 'pubDate', 'rss', 'title'].sort(),
    )
    expect(xml).not.toMatch(/<script|<!\[CDATA\[|<!DOCTYPE|<!ENTITY|<\?xml-stylesheet/i)
  })

  it('any text at all gives a well-formed feed that reads back as written', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), (title, summary) => {
        const { title: t, description: d } = parse(feedOf(title, summary))
        expect(t).toBe(readable(title))
        expect(d).toBe(readable(summary))
      }),
      { numRuns: 500 },
    )
  })

  it('escapes the five markup characters and nothing else', () => {
    expect(xmlText(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;')
    expect(xmlText('plain text, é, 🏃')).toBe('plain text, é, 🏃')
  })
})
