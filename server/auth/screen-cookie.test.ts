import { describe, expect, it } from 'vitest';
import { screenCookie, screenTokenFrom, withoutToken } from './screen-cookie';

describe('the screen cookie', () => {
  it('over https is SameSite=None, Secure and Partitioned, so a cross-site embed keeps it in its own partition', () => {
    expect(screenCookie('kpis', 'tok', 61_500, true, 0)).toBe('sw_screen_kpis=tok; Max-Age=61; Path=/; HttpOnly; Secure; Partitioned; SameSite=None');
  });

  it('over http is SameSite=Lax (browsers drop SameSite=None without Secure)', () => {
    expect(screenCookie('wall', 'tok', 10_000, false, 0)).toBe('sw_screen_wall=tok; Max-Age=10; Path=/; HttpOnly; SameSite=Lax');
  });

  it("is read per panel from a cookie header among others; an absurdly long value is not", () => {
    const header = 'sw_session=a; sw_screen_wall=b.c.d; sw_screen_kpis=e.f.g; other=1';
    expect(screenTokenFrom(header, 'wall')).toBe('b.c.d');
    expect(screenTokenFrom(header, 'kpis')).toBe('e.f.g');
    expect(screenTokenFrom(header, 'map')).toBeNull();
    expect(screenTokenFrom(undefined, 'wall')).toBeNull();
    expect(screenTokenFrom(`sw_screen_wall=${'x'.repeat(5000)}`, 'wall')).toBeNull();
  });

  it.each([
    ['/wall?token=t', '/wall'],
    ['/wall?rotate=30&token=t', '/wall?rotate=30'],
    ['/wall?token=t&token=u&rotate=30', '/wall?rotate=30'],
    ['/embed/kpis', '/embed/kpis'],
  ])('%s without its token is %s', (address, clean) => {
    expect(withoutToken(new URL(address, 'http://x'))).toBe(clean);
  });
});
