import * as migration_20261125_134402_initial from './20261125_134402_initial';
import * as migration_20261125_134500_audit_log_append_only from './20261125_134500_audit_log_append_only';

export const migrations = [
  {
    up: migration_20261125_134402_initial.up,
    down: migration_20261125_134402_initial.down,
    name: '20261125_134402_initial',
  },
  {
    up: migration_20261125_134500_audit_log_append_only.up,
    down: migration_20261125_134500_audit_log_append_only.down,
    name: '20261125_134500_audit_log_append_only',
  },
];
