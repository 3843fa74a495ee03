/** The id in a relative FHIR reference of the given type (`Patient/123` → `123`); else undefined. */
export const referencedId = (reference: string | undefined, type: string): string | undefined =>
  reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
