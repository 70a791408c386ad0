/** The site's public address (canonical URLs, feed, sitemap, JSON-LD). */
export const siteUrl = () => (process.env.SITE_URL || 'http://localhost:3000').replace(/\/$/, '')
export const SITE_NAME = 'Runsense'
export const SITE_DESCRIPTION = 'Plain-English running guides, each medically reviewed before it is published.'
/** The browser UI colour in light and dark mode (the page background). */
export const THEME_COLORS = [
  { media: '(prefers-color-scheme: light)', color: '#fbfaf7' },
  { media: '(prefers-color-scheme: dark)', color: '#16181b' },
]
