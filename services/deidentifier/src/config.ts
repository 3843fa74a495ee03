/** Variables of deidentifier beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const deidentifierConfigSchema = {} as const;
