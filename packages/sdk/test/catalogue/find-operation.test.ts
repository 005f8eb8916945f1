import { findOperation, operationList, operationsByPath } from '@wxpay-kit/sdk/catalogue';
import { describe, expect, it } from 'vitest';
import { seedPages } from './seed-pages.js';

describe('findOperation', () => {
  it.each(seedPages.map((page) => [page.operation, page] as const))(
    '%s matches the path of its official example with its parameters',
    (name, page) => {
      const found = findOperation(page.method, page.examplePath);
      expect(found?.operation.name).toBe(name);
      expect(found?.params).toEqual(page.exampleParams);
    },
  );

  it('matches every template once its placeholders are filled', () => {
    for (const operation of operationList) {
      const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => `v${name.length}X`);
      const found = findOperation(operation.method, path);
      expect(found?.operation.name, path).toBe(operation.name);
    }
  });

  it('transferBills.partnerCancel: percent-decodes path parameters', () => {
    const found = findOperation(
      'post',
      '/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/ab%20c%2Fd%E4%B8%AD/cancel',
    );
    expect(found?.operation.name).toBe('transferBills.partnerCancel');
    expect(found?.params).toEqual({ out_bill_no: 'ab c/d中' });
  });

  it('transferBills.partnerGet: keeps malformed percent-encoding as sent so validation can name it', () => {
    const found = findOperation(
      'GET',
      '/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/ab%E4%B?sub_mchid=1',
    );
    expect(found?.operation.name).toBe('transferBills.partnerGet');
    expect(found?.params).toEqual({ out_bill_no: 'ab%E4%B' });
  });

  it('prefers fixed segments: cancelWithdraws.confirm and cancelWithdraws.apply are not path parameters', () => {
    expect(findOperation('POST', '/v3/ecommerce/account/apply-cancel-withdraw/confirm')?.operation.name).toBe(
      'cancelWithdraws.confirm',
    );
    expect(findOperation('POST', '/v3/ecommerce/account/apply-cancel-withdraw')?.operation.name).toBe(
      'cancelWithdraws.apply',
    );
    expect(findOperation('POST', '/v3/platsolution/ecommerce/recharges/apply')?.operation.name).toBe(
      'recharges.apply',
    );
  });

  it('does not match unknown paths, empty parameters, trailing slashes or extra segments', () => {
    const close =
      '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013/close';
    expect(findOperation('POST', `${close}/`)).toBeUndefined();
    expect(findOperation('POST', `${close}/again`)).toBeUndefined();
    expect(
      findOperation(
        'POST',
        '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no//close',
      ),
    ).toBeUndefined();
    expect(findOperation('GET', '/v3/pay/transactions/id/1')).toBeUndefined();
    expect(findOperation('GET', 'v3/fund-app/mch-transfer/user-confirm-authorization')).toBeUndefined();
  });

  it('authorizations.close: a wrong method finds nothing, while operationsByPath reports the path for a 405', () => {
    const path =
      '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013/close';
    expect(findOperation('GET', path)).toBeUndefined();
    expect(operationsByPath(path).map((o) => o.name)).toEqual(['authorizations.close']);
    expect(operationsByPath(`${path}?x=1`).map((o) => o.method)).toEqual(['POST']);
    expect(operationsByPath('/v3/unknown')).toEqual([]);
  });
});
