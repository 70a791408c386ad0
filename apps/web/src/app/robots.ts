import type { MetadataRoute } from 'next'
import { siteUrl } from '@/lib/site'

export default function robots(): MetadataRoute.Robots {
  return {
    rules: [{ userAgent: '*', allow: '/', disallow: ['/api/', '/newsletter/confirm', '/newsletter/unsubscribe'] }],
    sitemap: `${siteUrl()}/sitemap.xml`,
  }
}
