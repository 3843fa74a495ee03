/** Variables of audit-sink beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const auditSinkConfigSchema = {} as const;
