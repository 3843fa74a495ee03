/**
 * `serverUrl` pointed at another database, optionally as another role (no password: trust
 * or peer auth, as on development machines and in tests).
 */
export function databaseUrl(serverUrl: string, database: string, role?: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (role) {
    url.username = role;
    url.password = '';
  }
  return url.toString();
}
