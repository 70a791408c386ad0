/* THIS FILE WAS GENERATED AUTOMATICALLY BY PAYLOAD. */
/* DO NOT MODIFY IT BECAUSE IT COULD BE REWRITTEN AT ANY TIME. */
import config from '@payload-config'
import '@payloadcms/next/css'
import {
  REST_DELETE,
  REST_GET,
  REST_OPTIONS,
  REST_PATCH,
  REST_POST,
  REST_PUT,
} from '@payloadcms/next/routes'
// Ours: writes with a body Payload cannot read get a 415, not a 500 (see the file).
import { guardBodies } from '../../../../lib/requestGuard'

export const GET = REST_GET(config)
export const POST = guardBodies(REST_POST(config))
export const DELETE = REST_DELETE(config)
export const PATCH = guardBodies(REST_PATCH(config))
export const PUT = guardBodies(REST_PUT(config))
export const OPTIONS = REST_OPTIONS(config)
