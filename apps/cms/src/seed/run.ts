// `payload run src/seed/run.ts`: seeds the demo content into the configured database.
import config from '@payload-config'
import { getPayload } from 'payload'
import { seed } from './index'

const payload = await getPayload({ config })
const result = await seed(payload)
payload.logger.info(`Seeded: article ${result.articleId}, reviewers ${Object.values(result.reviewerIds).join(', ')}`)
await payload.destroy()
process.exit(0)
