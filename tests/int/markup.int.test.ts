/** The HTML of every page type is valid (Nu HTML Checker, vnu-jar on the machine's Java); the feed and sitemap parse. */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { siteUrl } from '../helpers/api'

const run = promisify(execFile)
const PAGES = [
  '/',
  '/guides/returning-to-running-after-an-injury',
  '/guides',
  '/topics/injury-and-comebacks',
  '/reviewers/raphael-crawford-marks',
  '/about/editorial-policy',
  '/newsletter',
  '/newsletter/check-your-inbox',
  '/newsletter/confirm?token=nope',
  '/newsletter/unsubscribe?token=x.y',
  '/guides/no-such-guide',
]

describe('markup', () => {
  it('every page type is valid HTML', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnu-'))
    const files = await Promise.all(
      PAGES.map(async (p, i) => {
        const file = path.join(dir, `page-${i}.html`)
        const res = await fetch(`${siteUrl()}${p}`)
        // An error page is valid HTML too: first, each page must be the page it claims to be.
        expect(res.status, p).toBe(p === '/guides/no-such-guide' ? 404 : 200)
        fs.writeFileSync(file, await res.text())
        return file
      }),
    )
    // @ts-expect-error vnu-jar has no type declarations: its default export is the path of the jar
    const jar = String(((await import('vnu-jar')) as unknown as { default: string }).default)
    const result = await run('java', ['-jar', String(jar), '--format', 'json', '--exit-zero-always', ...files], { maxBuffer: 10 * 1024 * 1024 })
    // Errors, and files the checker could not read ("non-document-error"); not "info" (warnings).
    const messages = (JSON.parse(result.stderr || result.stdout).messages as { type: string; message: string; url: string }[]).filter((m) => m.type !== 'info')
    expect(messages.map((m) => `${PAGES[Number(m.url.match(/page-(\d+)/)?.[1])]}: ${m.message}`)).toEqual([])
  }, 120_000)

  it('the RSS feed is valid XML with one item per published guide; the sitemap lists the guide', async () => {
    const rss = await (await fetch(`${siteUrl()}/rss.xml`)).text()
    expect(XMLValidator.validate(rss)).toBe(true)
    const feed = new XMLParser().parse(rss)
    expect(feed.rss.channel.title).toBe('Runsense')
    const items = [feed.rss.channel.item].flat()
    expect(items.map((i: { link: string }) => i.link)).toContain(`${siteUrl()}/guides/returning-to-running-after-an-injury`)
    const sitemap = await (await fetch(`${siteUrl()}/sitemap.xml`)).text()
    expect(XMLValidator.validate(sitemap)).toBe(true)
    const urls = [new XMLParser().parse(sitemap).urlset.url].flat().map((u: { loc: string }) => u.loc)
    expect(urls).toContain(`${siteUrl()}/guides/returning-to-running-after-an-injury`)
    expect(urls).toContain(`${siteUrl()}/reviewers/raphael-crawford-marks`)
    expect(urls).toContain(`${siteUrl()}/topics/injury-and-comebacks`)
  })
})
