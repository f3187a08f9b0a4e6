import ipaddr from 'ipaddr.js';

/** Why a text is not a usable allowed network (delivery.allowedNetworks), or null. */
export function networkProblem(text: string): string | null {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text.trim());
  } catch {
    return 'is not a network in CIDR notation; expected e.g. 10.20.0.0/16';
  }
  if (parsed[1] === 0) return 'would allow every address; name the networks of your own services, e.g. 10.20.0.0/16';
  return null;
}
