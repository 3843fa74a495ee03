/** Variables of ehr-connector beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const ehrConnectorConfigSchema = {} as const;
