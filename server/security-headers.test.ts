import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('sends no referrer, sniffs no type and grants no powerful feature', () => {
    const h = securityHeaders('http://127.0.0.1:3000');
    expect(h).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(h['permissions-policy']).toMatch(/camera=\(\)/);
    expect(h['permissions-policy']).toMatch(/geolocation=\(\)/);
  });

  it('asks for HSTS only when the public address is https', () => {
    expect(securityHeaders('http://127.0.0.1:3000')).not.toHaveProperty('strict-transport-security');
    expect(securityHeaders('https://streamwatch.example')['strict-transport-security']).toMatch(/^max-age=\d+/);
  });
});
