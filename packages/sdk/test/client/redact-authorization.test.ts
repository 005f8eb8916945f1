import { describe, expect, it } from 'vitest';
import { redactAuthorization, redactHeaders } from '../../src/client/redact-authorization.js';

const header =
  'WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",' +
  'signature="Lc9VXxmeonkdV8Xk9tmigQFLhl0vRWTerdmoRu01aAnYwIrD/5nsSwE1WlmZGLRlAFTNQ3QsMa0+VRDlJp1Wp5p0nO8EK68b5sJBbjouxaFciIfq1zfDWWz+jqhcMoKXI1A6dPm1AW7D4d30WsMTNzp6g23OXakIsh9LO3lUmwvTuE0BY8ncf6tNGk4wKmvXwERd/ZpoQY3MAVKz+Nakwc+2XBmzT66KcUehU5kr4IvGa/lEU5RZb/q00zP9VLdBhC/jQSX3X1UcJLCtEc4gTmib4tnmAT+bHF/e17ZAuxDNcx6rqT8gNEXqaJGG+1OflMSTU2tpyG65G4dMKdFcoA==",' +
  'timestamp="1554208460",serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"';

describe('redactAuthorization', () => {
  it('keeps who signed and when, and replaces the signature', () => {
    expect(redactAuthorization(header)).toBe(
      'WECHATPAY2-SHA256-RSA2048 mchid="1900007291",serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",' +
        'nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1554208460",signature=[REDACTED]',
    );
  });

  it('redacts an unparseable header entirely rather than guess where the secret is', () => {
    expect(redactAuthorization('Bearer abc.def')).toBe('[REDACTED]');
  });
});

describe('redactHeaders', () => {
  it('redacts Authorization in any case and copies the rest', () => {
    const input = { authorization: header, Accept: 'application/json' };
    const output = redactHeaders(input);
    expect(output.Accept).toBe('application/json');
    expect(output.authorization).toContain('signature=[REDACTED]');
    expect(output.authorization).not.toContain('Lc9VXx');
    expect(input.authorization).toBe(header);
  });
});
