import * as migration_20261125_000000_initial from './20261125_000000_initial';
import * as migration_20261125_140800_audit_log_append_only from './20261125_140800_audit_log_append_only';
import * as migration_20261125_140801_rate_limits from './20261125_140801_rate_limits';
import * as migration_20261130_155428_signed_content from './20261130_155428_signed_content';
import * as migration_20261130_155820_newsletter_issues from './20261130_155820_newsletter_issues';
import * as migration_20261130_160000_email_deliveries from './20261130_160000_email_deliveries';
import * as migration_20261130_160914_review_record from './20261130_160914_review_record';
import * as migration_20261130_161626_staff_sign_ins from './20261130_161626_staff_sign_ins';
import * as migration_20261130_162521_reader_reports from './20261130_162521_reader_reports';
import * as migration_20261130_163000_second_factor from './20261130_163000_second_factor';
import * as migration_20261130_163818_restore_action from './20261130_163818_restore_action';
import * as migration_20261130_184207_revalidate_outbox from './20261130_184207_revalidate_outbox';
import * as migration_20261130_184315_desk_sources_label from './20261130_184315_desk_sources_label';
import * as migration_20261130_184445_passkeys from './20261130_184445_passkeys';
import * as migration_20261130_184541_jobs_prune_rate_limits from './20261130_184541_jobs_prune_rate_limits';
import * as migration_20261130_195500_content_generation from './20261130_195500_content_generation';
import * as migration_20261201_112923_sign_off_sources from './20261201_112923_sign_off_sources';
import * as migration_20261202_010000_cited_sources_backfill from './20261202_010000_cited_sources_backfill';

export const migrations = [
  {
    up: migration_20261125_000000_initial.up,
    down: migration_20261125_000000_initial.down,
    name: '20261125_000000_initial'
  },
  {
    up: migration_20261125_140800_audit_log_append_only.up,
    down: migration_20261125_140800_audit_log_append_only.down,
    name: '20261125_140800_audit_log_append_only'
  },
  {
    up: migration_20261125_140801_rate_limits.up,
    down: migration_20261125_140801_rate_limits.down,
    name: '20261125_140801_rate_limits'
  },
  {
    up: migration_20261130_155428_signed_content.up,
    down: migration_20261130_155428_signed_content.down,
    name: '20261130_155428_signed_content'
  },
  {
    up: migration_20261130_155820_newsletter_issues.up,
    down: migration_20261130_155820_newsletter_issues.down,
    name: '20261130_155820_newsletter_issues'
  },
  {
    up: migration_20261130_160000_email_deliveries.up,
    down: migration_20261130_160000_email_deliveries.down,
    name: '20261130_160000_email_deliveries'
  },
  {
    up: migration_20261130_160914_review_record.up,
    down: migration_20261130_160914_review_record.down,
    name: '20261130_160914_review_record'
  },
  {
    up: migration_20261130_161626_staff_sign_ins.up,
    down: migration_20261130_161626_staff_sign_ins.down,
    name: '20261130_161626_staff_sign_ins'
  },
  {
    up: migration_20261130_162521_reader_reports.up,
    down: migration_20261130_162521_reader_reports.down,
    name: '20261130_162521_reader_reports'
  },
  {
    up: migration_20261130_163000_second_factor.up,
    down: migration_20261130_163000_second_factor.down,
    name: '20261130_163000_second_factor'
  },
  {
    up: migration_20261130_163818_restore_action.up,
    down: migration_20261130_163818_restore_action.down,
    name: '20261130_163818_restore_action'
  },
  {
    up: migration_20261130_184207_revalidate_outbox.up,
    down: migration_20261130_184207_revalidate_outbox.down,
    name: '20261130_184207_revalidate_outbox'
  },
  {
    up: migration_20261130_184315_desk_sources_label.up,
    down: migration_20261130_184315_desk_sources_label.down,
    name: '20261130_184315_desk_sources_label'
  },
  {
    up: migration_20261130_184445_passkeys.up,
    down: migration_20261130_184445_passkeys.down,
    name: '20261130_184445_passkeys'
  },
  {
    up: migration_20261130_184541_jobs_prune_rate_limits.up,
    down: migration_20261130_184541_jobs_prune_rate_limits.down,
    name: '20261130_184541_jobs_prune_rate_limits'
  },
  {
    up: migration_20261130_195500_content_generation.up,
    down: migration_20261130_195500_content_generation.down,
    name: '20261130_195500_content_generation'
  },
  {
    up: migration_20261201_112923_sign_off_sources.up,
    down: migration_20261201_112923_sign_off_sources.down,
    name: '20261201_112923_sign_off_sources'
  },
  {
    up: migration_20261202_010000_cited_sources_backfill.up,
    down: migration_20261202_010000_cited_sources_backfill.down,
    name: '20261202_010000_cited_sources_backfill'
  },
];
