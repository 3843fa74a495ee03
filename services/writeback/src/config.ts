/** Variables of writeback beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const writebackConfigSchema = {} as const;
