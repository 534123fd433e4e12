/**
 * Grafana's text summary helper, imported by URL at run time (k6 fetches remote modules itself).
 * Only the one function the scripts call is declared here, so `npm run lint` can check them.
 */
declare module 'https://jslib.k6.io/k6-summary/0.1.0/index.js' {
  export function textSummary(
    data: unknown,
    options?: { indent?: string; enableColors?: boolean },
  ): string;
}
