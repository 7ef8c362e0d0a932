import { describe, expect, it } from 'vitest';
import { javaProperties } from './flink-jobs';

describe('javaProperties', () => {
  it('escapes what Properties.load (ISO-8859-1, backslash escapes) would otherwise read differently', () => {
    const text = javaProperties({ 'check.Payment': "CASE\n  WHEN x THEN '\\d{12}'", 'a=b': ' lead', key: 'x=y:z #!', uni: 'é\u2028' });
    expect(text.split('\n')).toEqual([
      "check.Payment=CASE\\n  WHEN x THEN '\\\\d{12}'",
      'a\\=b=\\ lead',
      'key=x=y:z #!',
      'uni=\\u00e9\\u2028',
      '',
    ]);
  });
});
