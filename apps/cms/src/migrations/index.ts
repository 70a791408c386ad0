import * as migration_20261125_135155_initial from './20261125_135155_initial';
import * as migration_20261125_135200_audit_log_append_only from './20261125_135200_audit_log_append_only';

export const migrations = [
  {
    up: migration_20261125_135155_initial.up,
    down: migration_20261125_135155_initial.down,
    name: '20261125_135155_initial',
  },
  {
    up: migration_20261125_135200_audit_log_append_only.up,
    down: migration_20261125_135200_audit_log_append_only.down,
    name: '20261125_135200_audit_log_append_only',
  },
];
