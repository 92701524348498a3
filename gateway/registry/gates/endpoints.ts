import { isIP } from 'node:net';

/**
 * Which endpoint URLs the gates may call. The gates POST to a registered URL with a signed assertion, so
 * an entry must not be able to aim the gateway at its own network (metadata services, admin ports).
 * With `hosts` set, only those hosts (`*.example.nhs.uk` for any under a domain); without, production
 * still requires https and refuses IP addresses and localhost, and development allows anything.
 */
export function endpointPolicy(hosts: readonly string[], production: boolean) {
  return (url: string): string | undefined => {
    const parsed = new URL(url);
    const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (hosts.length > 0) {
      const allowed = hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));
      return allowed ? undefined : `${host} is not one of REGISTRY_ENDPOINT_HOSTS`;
    }
    if (!production) return undefined;
    if (parsed.protocol !== 'https:') return 'production endpoints must use https';
    if (isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost')) {
      return `${host} is an address, not a supplier's host name (set REGISTRY_ENDPOINT_HOSTS to allow it)`;
    }
    return undefined;
  };
}
