import { describe, expect, it } from 'vitest'
import { isAllowedLinkUrl, richTextProblems, type RichTextPolicy } from './rich-text-policy'

const body: RichTextPolicy = { headings: ['h2', 'h3', 'h4'], blocks: ['needsContent'], inlineBlocks: ['citation'] }
const plain: RichTextPolicy = { headings: [], blocks: [], inlineBlocks: [] }
const doc = (...children: unknown[]) => ({ root: { type: 'root', children } })
const p = (...children: unknown[]) => ({ type: 'paragraph', children })
const t = (text: string) => ({ type: 'text', text, format: 0 })
const link = (url: unknown, linkType = 'custom') => ({ type: 'link', fields: { url, linkType, newTab: false }, children: [t('here')] })

describe('richTextProblems', () => {
  it('accepts what our editor makes', () => {
    const ok = doc(
      { type: 'heading', tag: 'h2', children: [t('Why')] },
      p(
        t('Load '),
        { type: 'inlineBlock', fields: { id: 'x', blockType: 'citation', source: 1 } },
        link('https://bjsm.bmj.com/x'),
        link('/guides/a'),
        link('mailto:hi@runsense.local'),
      ),
      { type: 'list', listType: 'bullet', tag: 'ul', children: [{ type: 'listitem', children: [t('a')] }] },
      { type: 'block', fields: { id: 'y', blockType: 'needsContent', note: 'later' } },
    )
    expect(richTextProblems(ok, body, 'The body')).toEqual([])
    expect(richTextProblems(null, body, 'The body')).toEqual([])
  })

  it('refuses uploads, relationships, unknown blocks and headings the field does not offer', () => {
    expect(richTextProblems(doc({ type: 'upload', value: { url: 'https://evil.example/pixel.png' } }), body, 'The body')[0]).toMatch(/"upload", which our editor does not offer/)
    expect(richTextProblems(doc({ type: 'relationship', value: 1 }), body, 'The body')).toHaveLength(1)
    expect(richTextProblems(doc({ type: 'block', fields: { blockType: 'embed' } }), body, 'The body')[0]).toMatch(/block our editor does not offer/)
    expect(richTextProblems(doc(p({ type: 'inlineBlock', fields: { blockType: 'iframe' } })), body, 'The body')).toHaveLength(1)
    expect(richTextProblems(doc({ type: 'heading', tag: 'h1', children: [] }), body, 'The body')[0]).toMatch(/h2, h3, h4 only/)
    expect(richTextProblems(doc({ type: 'heading', tag: 'h2', children: [] }), plain, 'The Safety section')[0]).toMatch(/may not contain headings/)
    expect(richTextProblems(doc(p({ type: 'inlineBlock', fields: { blockType: 'citation', source: 1 } })), plain, 'The Safety section')).toHaveLength(1)
  })

  it('refuses link targets other than http, https, mailto and our own paths', () => {
    for (const url of ['data:text/html,<script>alert(1)</script>', 'javascript:alert(1)', '//evil.example', 'file:///etc/passwd', 'guides/x', ' https://x.y', '', null]) {
      expect(richTextProblems(doc(p(link(url))), body, 'The body'), String(url)).toHaveLength(1)
    }
    expect(richTextProblems(doc(p(link('https://x.y', 'internal'))), body, 'The body')[0]).toMatch(/CMS document/)
  })

  it('refuses what is not a Lexical document, and bounds depth', () => {
    expect(richTextProblems('hello', body, 'The body')).toHaveLength(1)
    expect(richTextProblems({ root: { type: 'paragraph' } }, body, 'The body')).toHaveLength(1)
    expect(richTextProblems(doc(p({ text: 'no type' })), body, 'The body')[0]).toMatch(/without a type/)
    let deep: unknown = t('x')
    for (let i = 0; i < 100; i++) deep = { type: 'quote', children: [deep] }
    expect(richTextProblems(doc(deep), body, 'The body')[0]).toMatch(/nested too deeply/)
  })
})

describe('isAllowedLinkUrl', () => {
  it('takes web, mail and own-path links only', () => {
    expect(['https://a.b/c?d#e', 'http://a.b', 'mailto:x@y.z', '/about/editorial-policy'].every(isAllowedLinkUrl)).toBe(true)
    expect(['HTTPS://', 'https://', 'ftp://a.b', 'mailto://x', 'vbscript:x', '/\\evil'].some(isAllowedLinkUrl)).toBe(false)
  })
})
