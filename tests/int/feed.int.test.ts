/**
 * The live feed with a hostile guide published: a title and summary holding `]]>` twice and
 * markup stay text, and the feed stays well-formed XML (it broke out of CDATA before).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { expect, it } from 'vitest'
import { guideAt, siteUrl } from '../helpers/api'

it('a published guide with ]]> and <script> in its title and summary leaves the feed well-formed and inert', async () => {
  const title = `Hostile ]]> feed ]]> <script>alert(1)</script> & more ${Date.now()}`
  const summary = ']]><script xmlns="http://www.w3.org/1999/xhtml">alert(document.domain)</script><![CDATA[ and ]]> again'
  const guide = await guideAt('published', { title, summary })
  let rss = ''
  // The CMS revalidates the site after the publish commits; give it a moment.
  for (let i = 0; i < 50 && !rss.includes(guide.slug); i++) {
    rss = await (await fetch(`${siteUrl()}/rss.xml`)).text()
    if (!rss.includes(guide.slug)) await new Promise((r) => setTimeout(r, 100))
  }
  expect(XMLValidator.validate(rss)).toBe(true)
  const feed = new XMLParser({ processEntities: true, htmlEntities: true, parseTagValue: false }).parse(rss)
  const item = [feed.rss.channel.item].flat().find((i: { link: string }) => i.link.endsWith(`/guides/${guide.slug}`))
  expect(item.title).toBe(title)
  expect(item.description).toContain(summary)
  expect(rss).not.toMatch(/<script/i)
})
