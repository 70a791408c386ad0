import * as migration_20261125_000000_initial from "./20261125_000000_initial";
import * as migration_20261125_140800_audit_log_append_only from "./20261125_140800_audit_log_append_only";
import * as migration_20261125_140801_rate_limits from "./20261125_140801_rate_limits";
import * as migration_20261130_155820_newsletter_issues from "./20261130_155820_newsletter_issues";

export const migrations = [
  { up: migration_20261125_000000_initial.up, down: migration_20261125_000000_initial.down, name: "20261125_000000_initial" },
  { up: migration_20261125_140800_audit_log_append_only.up, down: migration_20261125_140800_audit_log_append_only.down, name: "20261125_140800_audit_log_append_only" },
  { up: migration_20261125_140801_rate_limits.up, down: migration_20261125_140801_rate_limits.down, name: "20261125_140801_rate_limits" },
  { up: migration_20261130_155820_newsletter_issues.up, down: migration_20261130_155820_newsletter_issues.down, name: "20261130_155820_newsletter_issues" },
];
