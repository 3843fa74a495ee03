/** Variables of coder beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const coderConfigSchema = {} as const;
