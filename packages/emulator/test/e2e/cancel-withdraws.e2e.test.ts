import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transitions } from '../../src/families/cancel-withdraws/machine.js';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import { apiErrorOf, expectApiError } from './support-b/api-error.js';
import {
  type CancelApplyInput,
  CONFIRM,
  cancelOnlyApply,
  PAYEE_SECRETS,
  personalWithdrawApply,
  withdrawApply,
} from './support-b/cancel-withdraw-requests.js';
import { capturingClient } from './support-b/capturing-client.js';
import { outNo } from './support-b/out-no.js';
import { TransitionCoverage } from './support-b/transition-coverage.js';

const DAY_SECONDS = 24 * 60 * 60;
const SENSITIVE_POINTERS = [
  ['payee_info', 'bank_account_info', 'account_name'],
  ['payee_info', 'bank_account_info', 'account_number'],
  ['payee_info', 'identity_info', 'identification_name'],
  ['payee_info', 'identity_info', 'identification_no'],
] as const;

type Balance = { out_account_type: string; amount: number };

describe('cancelWithdraws through the SDK against the emulator', () => {
  let h: E2eHarness;
  let spMchid: string;
  let subA: string;
  let subB: string;
  /** The emulator's delay of each automatic step, in seconds. */
  let step: number;
  const coverage = new TransitionCoverage(transitions);

  beforeAll(async () => {
    h = await startE2e();
    spMchid = h.emulator.merchants.platform.mchid;
    [subA = '', subB = ''] = h.emulator.merchants.platform.subMchids;
    step = (await h.control('GET', '/settings')).body.asyncStepMs / 1000;
  });
  // A sub-merchant can be cancelled once: every test starts from fresh ones.
  beforeEach(async () => {
    expect((await h.control('POST', '/reset')).status).toBe(200);
  });
  afterAll(() => h?.close());

  const wxpay = () => h.sdk.platform.cancelWithdraws;
  const state = async (out_request_no: string) => (await wxpay().get({ out_request_no })).cancel_state;
  const inspect = async (applymentId: string) =>
    (await h.control('GET', `/cancel-withdraws/${spMchid}/${applymentId}`)).body;
  const act = async (applymentId: string, action: string, body?: object) => {
    const answer = await h.control('POST', `/cancel-withdraws/${spMchid}/${applymentId}/${action}`, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const setBalances = async (sub: string, accounts: Balance[]) => {
    const answer = await h.control('POST', `/cancel-withdraws/balances/${sub}`, { accounts });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  };
  const balances = async (sub: string): Promise<Balance[]> =>
    (await h.control('GET', `/cancel-withdraws/balances/${sub}`)).body.accounts;

  /** Applies and lets the machine review run: the application waits for the merchant's confirmation. */
  async function waitingForConfirmation(input: CancelApplyInput): Promise<string> {
    const { applyment_id } = await wxpay().apply(input);
    expect(await state(input.out_request_no)).toBe('ACCEPTED');
    coverage.drove(null, 'ACCEPTED', 'apply');
    await h.advance(step);
    expect(await state(input.out_request_no)).toBe('WAITING_MERCHANT_CONFIRM');
    coverage.drove('ACCEPTED', 'WAITING_MERCHANT_CONFIRM', 'review');
    return applyment_id;
  }

  it('cancelWithdraws.validate: a sub-merchant with nothing in progress may be cancelled; its balances are shown', async () => {
    const accounts = [
      { out_account_type: 'BASIC_ACCOUNT', amount: 50_000 },
      { out_account_type: 'OPERATE_ACCOUNT', amount: 7_000 },
    ];
    await setBalances(subA, accounts);
    expect(await wxpay().validate({ sub_mchid: subA })).toEqual({
      sub_mchid: subA,
      merchant_state: 'NORMAL',
      validate_result: 'ALLOW_CANCEL_WITHDRAW',
      account_info: accounts,
    });
  });

  it('cancelWithdraws.apply with APPLY_WITHDRAW and payee fields: the SDK encrypts them, the emulator accepts them and returns none of the plaintext', async () => {
    const { client, sent } = capturingClient(h.emulator, 'platform');
    const no = outNo('CE');
    const input = personalWithdrawApply(subA, no);
    const applied = await client.cancelWithdraws.apply(input);
    expect(applied).toEqual({ applyment_id: expect.stringMatching(/^X\d{18}$/), out_request_no: no });

    const [request] = sent;
    expect(request!.headers['Wechatpay-Serial']).toBe(h.emulator.wechatpayPublicKey.id);
    const wire = JSON.parse(request!.body!);
    for (const path of SENSITIVE_POINTERS) {
      const value = path.reduce((node, name) => node[name], wire);
      expect(value, path.join('.')).toMatch(/^[A-Za-z0-9+/]{342}[A-Za-z0-9+/=]{2}$/);
    }
    for (const secret of Object.values(PAYEE_SECRETS)) expect(request!.body).not.toContain(secret);

    const byNo = await client.cancelWithdraws.get({ out_request_no: no });
    const byId = await client.cancelWithdraws.getByApplymentId({ applyment_id: applied.applyment_id });
    expect(byId).toEqual(byNo);
    expect(byNo).toMatchObject({
      applyment_id: applied.applyment_id,
      out_request_no: no,
      sub_mchid: subA,
      cancel_state: 'ACCEPTED',
      withdraw: 'APPLY_WITHDRAW',
    });
    const answers = [applied, byNo, byId, await inspect(applied.applyment_id)].map((a) => JSON.stringify(a));
    for (const answer of answers) {
      for (const secret of Object.values(PAYEE_SECRETS)) expect(answer).not.toContain(secret);
    }
    // The API answers carry no payee information at all, not even the account's last digits.
    for (const answer of answers.slice(0, 3))
      expect(answer).not.toContain(PAYEE_SECRETS.account_number.slice(-4));
  });

  it('cancelWithdraws.apply repeated with the same plaintext (fresh ciphertexts) is the same application; changed → 400 ALREADY_EXISTS', async () => {
    const { client, sent } = capturingClient(h.emulator, 'platform');
    const no = outNo('CI');
    const first = await client.cancelWithdraws.apply(withdrawApply(subA, no));
    expect(await client.cancelWithdraws.apply(withdrawApply(subA, no))).toEqual(first);
    expect(sent[0]!.body).not.toBe(sent[1]!.body);
    const changed = withdrawApply(subA, no);
    changed.payee_info!.bank_account_info.account_number = '6225880299999999999';
    await expectApiError(client.cancelWithdraws.apply(changed), {
      status: 400,
      code: 'ALREADY_EXISTS',
      field: '/out_request_no',
    });
  });

  it('cancelWithdraws.confirm by applyment_id: WAITING_MERCHANT_CONFIRM → SYSTEM_PROCESSING → CANCELED → FUND_PROCESSING → FINISH with WITHDRAW_SUCCEED', async () => {
    const accounts = [
      { out_account_type: 'BASIC_ACCOUNT', amount: 30_000 },
      { out_account_type: 'OPERATE_ACCOUNT', amount: 5_000 },
      { out_account_type: 'MARGIN_ACCOUNT', amount: 0 },
    ];
    await setBalances(subA, accounts);
    const no = outNo('CW');
    const { applyment_id } = await wxpay().apply(withdrawApply(subA, no));
    expect(await wxpay().get({ out_request_no: no })).toMatchObject({
      cancel_state: 'ACCEPTED',
      account_info: accounts,
    });
    // The machine review takes one automatic step, not less.
    await h.advance(step - 0.001);
    expect(await state(no)).toBe('ACCEPTED');
    await h.advance(0.001);
    const waiting = await wxpay().get({ out_request_no: no });
    expect(waiting).toMatchObject({
      cancel_state: 'WAITING_MERCHANT_CONFIRM',
      confirm_cancel: { confirm_cancel_url: expect.stringMatching(/^https:\/\/\S+$/) },
    });
    coverage.drove(null, 'ACCEPTED', 'apply');
    coverage.drove('ACCEPTED', 'WAITING_MERCHANT_CONFIRM', 'review');
    expect(await wxpay().validate({ sub_mchid: subA })).toMatchObject({
      merchant_state: 'NORMAL',
      validate_result: 'NOT_ALLOW_CANCEL_WITHDRAW',
      block_reasons: [{ type: 'OTHER_REASON' }],
    });

    expect(await wxpay().confirm({ applyment_id, sub_mchid: subA, ...CONFIRM })).toEqual({
      applyment_id,
      sub_mchid: subA,
      out_request_no: no,
    });
    const processing = await wxpay().get({ out_request_no: no });
    expect(processing.cancel_state).toBe('SYSTEM_PROCESSING');
    expect(processing).not.toHaveProperty('confirm_cancel');
    expect((await inspect(applyment_id)).confirmation).toMatchObject({ by: 'platform', ...CONFIRM });
    coverage.drove('WAITING_MERCHANT_CONFIRM', 'SYSTEM_PROCESSING', 'confirm');
    // The same confirmation again succeeds in every later state, and changes nothing.
    const confirmAgain = async (expected: string) => {
      const before = await wxpay().get({ out_request_no: no });
      expect(await wxpay().confirm({ applyment_id, sub_mchid: subA, ...CONFIRM })).toEqual({
        applyment_id,
        sub_mchid: subA,
        out_request_no: no,
      });
      expect(await wxpay().get({ out_request_no: no })).toEqual(before);
      expect(before.cancel_state).toBe(expected);
      coverage.drove(expected, expected, 'confirm');
    };
    await confirmAgain('SYSTEM_PROCESSING');

    await h.advance(step);
    expect(await state(no)).toBe('CANCELED');
    await confirmAgain('CANCELED');
    expect(await wxpay().validate({ sub_mchid: subA })).toMatchObject({
      merchant_state: 'HAS_BEEN_CANCELLED',
      validate_result: 'NOT_ALLOW_CANCEL_WITHDRAW',
    });
    coverage.drove('SYSTEM_PROCESSING', 'CANCELED', 'cancelMerchant');

    await h.advance(step);
    expect(await wxpay().get({ out_request_no: no })).toMatchObject({
      cancel_state: 'FUND_PROCESSING',
      withdraw_state: 'WITHDRAW_PROCESSING',
      account_info: accounts.filter((a) => a.amount > 0),
      account_withdraw_result: [
        { out_account_type: 'BASIC_ACCOUNT', pay_state: 'PAY_PROCESSING' },
        { out_account_type: 'OPERATE_ACCOUNT', pay_state: 'PAY_PROCESSING' },
      ],
    });
    const pending = await wxpay().validate({ sub_mchid: subA });
    expect(pending.block_reasons?.map((r) => r.type)).toContain('FUNDS_PENDING_PROCESSING');
    coverage.drove('CANCELED', 'FUND_PROCESSING', 'settle');
    await confirmAgain('FUND_PROCESSING');

    await h.advance(step);
    expect(await wxpay().getByApplymentId({ applyment_id })).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_SUCCEED',
      account_withdraw_result: [
        { out_account_type: 'BASIC_ACCOUNT', pay_state: 'PAY_SUCCEED' },
        { out_account_type: 'OPERATE_ACCOUNT', pay_state: 'PAY_SUCCEED' },
      ],
    });
    expect(await balances(subA)).toEqual(accounts.map((a) => ({ ...a, amount: 0 })));
    coverage.drove('FUND_PROCESSING', 'FINISH', 'payOut');

    // cancelWithdraws.validate after the cancellation.
    expect(await wxpay().validate({ sub_mchid: subA })).toMatchObject({
      sub_mchid: subA,
      merchant_state: 'HAS_BEEN_CANCELLED',
      validate_result: 'NOT_ALLOW_CANCEL_WITHDRAW',
    });
    // The same confirmation again still succeeds; different content is refused.
    await confirmAgain('FINISH');
    await expectApiError(
      wxpay().confirm({ applyment_id, sub_mchid: subA, ...CONFIRM, operator_identification: 'other01' }),
      { status: 403, code: 'RULE_LIMIT' },
    );
  });

  it('cancelWithdraws.confirm by out_request_no only: cancel without withdrawal ends in FINISH with no withdraw state', async () => {
    const no = outNo('CO');
    const applymentId = await waitingForConfirmation(cancelOnlyApply(subA, no));
    expect(await wxpay().confirm({ out_request_no: no, sub_mchid: subA, ...CONFIRM })).toEqual({
      applyment_id: applymentId,
      sub_mchid: subA,
      out_request_no: no,
    });
    expect(await state(no)).toBe('SYSTEM_PROCESSING');
    await h.advance(step);
    expect(await state(no)).toBe('CANCELED');
    await h.advance(step);
    const finished = await wxpay().get({ out_request_no: no });
    expect(finished).toMatchObject({ cancel_state: 'FINISH', withdraw: 'NOT_APPLY_WITHDRAW' });
    expect(finished).not.toHaveProperty('withdraw_state');
    expect(finished).not.toHaveProperty('account_withdraw_result');
    coverage.drove('CANCELED', 'FINISH', 'settle');
    expect((await wxpay().validate({ sub_mchid: subA })).merchant_state).toBe('HAS_BEEN_CANCELLED');
  });

  it('cancelWithdraws.confirm naming one application by both ids (the seed example); repeated → the same answer; changed → 403 RULE_LIMIT', async () => {
    const no = outNo('CB');
    const applyment_id = await waitingForConfirmation(cancelOnlyApply(subA, no));
    const request = { applyment_id, out_request_no: no, sub_mchid: subA, ...CONFIRM };
    const answer = { applyment_id, sub_mchid: subA, out_request_no: no };
    expect(await wxpay().confirm(request)).toEqual(answer);
    const after = await wxpay().get({ out_request_no: no });
    expect(await wxpay().confirm(request)).toEqual(answer);
    // Idempotent: the repeat neither moves the application nor touches it.
    expect(await wxpay().get({ out_request_no: no })).toEqual(after);
    const refused = await expectApiError(
      wxpay().confirm({ ...request, confirm_time: '2025-03-21T10:00:00+08:00' }),
      { status: 403, code: 'RULE_LIMIT' },
    );
    expect(refused.message).toContain('无需确认');
  });

  it('cancelWithdraws.confirm with applyment_id and out_request_no naming different applications → 400 PARAM_ERROR naming the field', async () => {
    const noA = outNo('CDA');
    const noB = outNo('CDB');
    const idA = await waitingForConfirmation(cancelOnlyApply(subA, noA));
    await waitingForConfirmation(cancelOnlyApply(subB, noB));
    const error = await expectApiError(
      wxpay().confirm({ applyment_id: idA, out_request_no: noB, sub_mchid: subA, ...CONFIRM }),
      { status: 400, code: 'PARAM_ERROR', field: '/out_request_no', location: 'body' },
    );
    expect(error.detail?.issue).toContain(idA);
    expect(await state(noA)).toBe('WAITING_MERCHANT_CONFIRM');
    expect(await state(noB)).toBe('WAITING_MERCHANT_CONFIRM');
  });

  it('a staff member confirms by scanning the QR code (control) → SYSTEM_PROCESSING; the platform confirming afterwards → 403 RULE_LIMIT', async () => {
    const no = outNo('CS');
    const applyment_id = await waitingForConfirmation(cancelOnlyApply(subA, no));
    expect((await act(applyment_id, 'staff-confirm')).confirmation).toMatchObject({ by: 'staff' });
    expect(await state(no)).toBe('SYSTEM_PROCESSING');
    coverage.drove('WAITING_MERCHANT_CONFIRM', 'SYSTEM_PROCESSING', 'staffConfirm');
    await expectApiError(wxpay().confirm({ applyment_id, sub_mchid: subA, ...CONFIRM }), {
      status: 403,
      code: 'RULE_LIMIT',
    });
  });

  it('30 days without confirmation → REVOKED (not at 30 d − 1 s); cancelWithdraws.confirm then → 400 NO_AUTH', async () => {
    const no = outNo('CR');
    const applyment_id = await waitingForConfirmation(cancelOnlyApply(subA, no));
    await h.advance(30 * DAY_SECONDS - 1);
    expect(await state(no)).toBe('WAITING_MERCHANT_CONFIRM');
    await h.advance(1);
    expect(await state(no)).toBe('REVOKED');
    coverage.drove('WAITING_MERCHANT_CONFIRM', 'REVOKED', 'revoke');
    await expectApiError(wxpay().confirm({ applyment_id, sub_mchid: subA, ...CONFIRM }), {
      status: 400,
      code: 'NO_AUTH',
    });
    // A revoked application blocks nothing.
    expect((await wxpay().validate({ sub_mchid: subA })).validate_result).toBe('ALLOW_CANCEL_WITHDRAW');
  });

  it('with proof_medias a person reviews: confirm in ACCEPTED and REVIEWING → 400 NO_AUTH; approved (control) → SYSTEM_PROCESSING → … → FINISH', async () => {
    const no = outNo('CP');
    const { applyment_id } = await wxpay().apply({
      ...cancelOnlyApply(subA, no),
      proof_medias: [{ proof_media_type: 'WITHDRAWAL_APPLICATION', proof_media: 'media-id-0001' }],
    });
    await expectApiError(wxpay().confirm({ applyment_id, sub_mchid: subA, ...CONFIRM }), {
      status: 400,
      code: 'NO_AUTH',
    });
    await h.advance(step);
    expect(await state(no)).toBe('REVIEWING');
    coverage.drove('ACCEPTED', 'REVIEWING', 'review');
    const noAuth = await expectApiError(wxpay().confirm({ applyment_id, sub_mchid: subA, ...CONFIRM }), {
      status: 400,
      code: 'NO_AUTH',
    });
    expect(noAuth.message).toContain('REVIEWING');

    await act(applyment_id, 'approve');
    expect(await state(no)).toBe('SYSTEM_PROCESSING');
    coverage.drove('REVIEWING', 'SYSTEM_PROCESSING', 'approve');
    await h.advance(2 * step);
    expect(await state(no)).toBe('FINISH');
  });

  it('with proof_medias, rejected in review (control) → REJECTED with the reason; confirm → 400 NO_AUTH', async () => {
    const no = outNo('CJ');
    const { applyment_id } = await wxpay().apply({
      ...cancelOnlyApply(subA, no),
      proof_medias: [{ proof_media_type: 'WITHDRAWAL_APPLICATION', proof_media: 'media-id-0002' }],
    });
    await h.advance(step);
    await act(applyment_id, 'reject', { reason: '证明材料模糊' });
    const rejected = await wxpay().get({ out_request_no: no });
    expect(rejected).toMatchObject({ cancel_state: 'REJECTED' });
    expect(rejected.cancel_state_description).toContain('证明材料模糊');
    coverage.drove('REVIEWING', 'REJECTED', 'reject');
    await expectApiError(wxpay().confirm({ out_request_no: no, sub_mchid: subA, ...CONFIRM }), {
      status: 400,
      code: 'NO_AUTH',
    });
    expect((await wxpay().validate({ sub_mchid: subA })).validate_result).toBe('ALLOW_CANCEL_WITHDRAW');
  });

  it('after cancellation only a repeat withdrawal may be applied for: reviewed, approved → FUND_PROCESSING; payouts fail or succeed (control)', async () => {
    const first = outNo('CF');
    const firstId = await waitingForConfirmation(cancelOnlyApply(subA, first));
    await act(firstId, 'staff-confirm');
    await h.advance(2 * step);
    expect(await state(first)).toBe('FINISH');
    await expectApiError(wxpay().apply(cancelOnlyApply(subA, outNo('CF'))), {
      status: 400,
      code: 'INVALID_REQUEST',
      field: '/withdraw',
    });

    const accounts = [{ out_account_type: 'BASIC_ACCOUNT', amount: 8_800 }];
    await setBalances(subA, accounts);
    const failing = outNo('CF');
    const failingId = (await wxpay().apply(withdrawApply(subA, failing))).applyment_id;
    // One application at a time.
    await expectApiError(wxpay().apply(withdrawApply(subA, outNo('CF'))), {
      status: 400,
      code: 'INVALID_REQUEST',
      field: '/sub_mchid',
    });
    await h.advance(step);
    expect(await state(failing)).toBe('REVIEWING');
    await act(failingId, 'approve');
    expect(await wxpay().get({ out_request_no: failing })).toMatchObject({
      cancel_state: 'FUND_PROCESSING',
      withdraw_state: 'WITHDRAW_PROCESSING',
    });
    coverage.drove('REVIEWING', 'FUND_PROCESSING', 'approve');
    await act(failingId, 'withdraw-fail', { reason: '银行账户已销户' });
    const failed = await wxpay().get({ out_request_no: failing });
    expect(failed).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_EXCEPTION',
      account_withdraw_result: [{ out_account_type: 'BASIC_ACCOUNT', pay_state: 'PAY_FAIL' }],
    });
    expect(failed.withdraw_state_description).toContain('银行账户已销户');
    expect(await balances(subA)).toEqual(accounts);
    coverage.drove('FUND_PROCESSING', 'FINISH', 'withdrawFail');

    const retry = outNo('CF');
    const retryId = (await wxpay().apply(withdrawApply(subA, retry))).applyment_id;
    await h.advance(step);
    await act(retryId, 'approve');
    await act(retryId, 'withdraw-succeed');
    expect(await wxpay().get({ out_request_no: retry })).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_SUCCEED',
      account_withdraw_result: [{ out_account_type: 'BASIC_ACCOUNT', pay_state: 'PAY_SUCCEED' }],
    });
    expect(await balances(subA)).toEqual([{ out_account_type: 'BASIC_ACCOUNT', amount: 0 }]);
    coverage.drove('FUND_PROCESSING', 'FINISH', 'withdrawSucceed');
  });

  it('cancelWithdraws.get and cancelWithdraws.getByApplymentId of an unknown application → 404 NOT_FOUND', async () => {
    await expectApiError(wxpay().get({ out_request_no: outNo('CU') }), { status: 404, code: 'NOT_FOUND' });
    const error = await apiErrorOf(wxpay().getByApplymentId({ applyment_id: '200000000000000001' }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('every transition of the cancelWithdraws machine table was driven end to end', () => {
    expect(coverage.missing()).toEqual([]);
  });
});
