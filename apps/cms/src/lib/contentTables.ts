/**
 * Every table of the database, in one of two lists, for the CMS's read cache (apps/cms/read-cache.mjs):
 * a change to a CONTENT table can change what an anonymous reader is shown, so it moves the
 * content generation (a trigger per table, see the migrations); a PRIVATE table is never shown to
 * anonymous readers (staff, subscribers, jobs, bookkeeping), so its busy writes leave the cache
 * alone. tests/int/read-cache.int.test.ts fails on a table in neither list, or a content table
 * without the trigger.
 */
export const CONTENT_TABLES = [
  'articles',
  'articles_rels',
  'reviewers',
  'topics',
  'sources',
  'sources_texts',
  'newsletter_issues',
  'newsletter_issues_rels',
  'editorial_policy',
  'reviewer_passkeys',
] as const

export const PRIVATE_TABLES = [
  // drafts and versions: anonymous reads see published documents only
  '_articles_v',
  '_articles_v_rels',
  'audit_log',
  'editorial_notes',
  'email_deliveries',
  'newsletter_deliveries',
  'newsletter_issues_log',
  'newsletter_stats',
  'newsletter_suppressions',
  'payload_jobs',
  'payload_jobs_log',
  'payload_jobs_stats',
  'payload_kv',
  'payload_locked_documents',
  'payload_locked_documents_rels',
  'payload_migrations',
  'payload_preferences',
  'payload_preferences_rels',
  'rate_limits',
  'reader_reports',
  'runsense_content_generation',
  'second_factor_sessions',
  'staff_second_factors',
  'staff_sign_ins',
  'subscribers',
  'users',
  'users_sessions',
  'webauthn_challenges',
  'workflow_events',
] as const
