import * as migration_20261125_000000_initial from "./20261125_000000_initial";
import * as migration_20261125_140800_audit_log_append_only from "./20261125_140800_audit_log_append_only";
import * as migration_20261125_140801_rate_limits from "./20261125_140801_rate_limits";
import * as migration_20261130_160000_email_deliveries from "./20261130_160000_email_deliveries";

export const migrations = [
  { up: migration_20261125_000000_initial.up, down: migration_20261125_000000_initial.down, name: "20261125_000000_initial" },
  { up: migration_20261125_140800_audit_log_append_only.up, down: migration_20261125_140800_audit_log_append_only.down, name: "20261125_140800_audit_log_append_only" },
  { up: migration_20261125_140801_rate_limits.up, down: migration_20261125_140801_rate_limits.down, name: "20261125_140801_rate_limits" },
  { up: migration_20261130_160000_email_deliveries.up, down: migration_20261130_160000_email_deliveries.down, name: "20261130_160000_email_deliveries" },
];
