/* THIS FILE WAS GENERATED AUTOMATICALLY BY PAYLOAD. */
/* DO NOT MODIFY IT BECAUSE IT COULD BE REWRITTEN AT ANY TIME. */
import config from '@payload-config'
import { GRAPHQL_POST, REST_OPTIONS } from '@payloadcms/next/routes'
// Ours: malformed JSON is a 400, not a 500 (see the file).
import { guardGraphQL } from '../../../../lib/requestGuard'

export const POST = guardGraphQL(GRAPHQL_POST(config))

export const OPTIONS = REST_OPTIONS(config)
