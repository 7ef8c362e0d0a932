import { describe, expect, it } from 'vitest';
import { pagePolicy, securityHeaders } from './security-headers';

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

describe('pagePolicy', () => {
  it('runs scripts by nonce only, with eval only in development', () => {
    const policy = pagePolicy({ nonce: 'abc', frameAncestors: ["'self'", 'https://tools.example.com'], dev: false });
    const script = policy.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(policy).toMatch(/^default-src 'self'; /);
    expect(policy).toMatch(/object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self' https:\/\/tools\.example\.com$/);
    expect(pagePolicy({ nonce: 'abc', frameAncestors: ["'self'"], dev: true })).toContain("'strict-dynamic' 'unsafe-eval';");
  });
});
