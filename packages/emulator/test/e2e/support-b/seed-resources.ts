import type { E2eHarness } from '../support/e2e-harness.js';
import { CONFIRM, cancelOnlyApply } from './cancel-withdraw-requests.js';
import { rechargeApply } from './recharge-requests.js';

const OPENID = 'o-MYE42l80oelYMDE34nYD456Xoy';

/**
 * Puts resources of the seed operations into the state an error needs, through the SDK and the control API
 * (the user's and WeChat Pay's side). Each method checks it got there, so a broken precondition fails loudly
 * instead of turning into an unrelated error code.
 */
export class SeedResources {
  readonly #h: E2eHarness;

  constructor(h: E2eHarness) {
    this.#h = h;
  }

  async #control(path: string, body?: object): Promise<void> {
    const answer = await this.#h.control('POST', path, body);
    if (answer.status !== 200)
      throw new Error(`control ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /** An authorization of the ordinary merchant that the user agreed to and then revoked: CLOSED (USER_CLOSE). */
  async authorizationRevokedByUser(out_authorization_no: string): Promise<void> {
    const { mchid, appid } = this.#h.emulator.merchants.ordinary;
    await this.#h.sdk.ordinary.authorizations.apply({
      out_authorization_no,
      appid,
      openid: OPENID,
      transfer_scene_id: '1000',
      user_display_name: 'wx_123456',
      authorization_notify_url: this.#h.receiver.url('ordinary'),
    });
    await this.#control(`/authorizations/${mchid}/${out_authorization_no}/confirm`);
    await this.#control(`/authorizations/${mchid}/${out_authorization_no}/revoke`);
    const got = await this.#h.sdk.ordinary.authorizations.get({ out_authorization_no });
    if (got.close_info?.close_reason !== 'USER_CLOSE')
      throw new Error(`authorization is ${JSON.stringify(got)}`);
  }

  /** A partner transfer bill that WeChat Pay failed before the user saw it: FAIL. */
  async failedBill(out_bill_no: string): Promise<{ sub_mchid: string }> {
    const { mchid, appid, subMchids } = this.#h.emulator.merchants.serviceProvider;
    const sub_mchid = subMchids[0]!;
    await this.#h.sdk.serviceProvider.transferBills.partnerCreate({
      sub_mchid,
      appid,
      out_bill_no,
      transfer_scene_id: '1000',
      openid: OPENID,
      transfer_amount: 400,
      transfer_remark: '新会员开通有礼',
      transfer_scene_report_infos: [
        { info_type: '活动名称', info_content: '新会员有礼' },
        { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
      ],
    });
    await this.#control(`/transfer-bills/${mchid}/${out_bill_no}/fail`, { fail_reason: 'ACCOUNT_FROZEN' });
    const bill = await this.#h.sdk.serviceProvider.transferBills.partnerGet({ out_bill_no, sub_mchid });
    if (bill.state !== 'FAIL') throw new Error(`bill ${out_bill_no} is ${bill.state}`);
    return { sub_mchid };
  }

  /** A recharge of the platform's first sub-merchant that was paid: SUCCESS. */
  async paidRecharge(out_recharge_no: string): Promise<{ sub_mchid: string }> {
    const { mchid, subMchids } = this.#h.emulator.merchants.platform;
    const sub_mchid = subMchids[0]!;
    await this.#h.sdk.platform.recharges.apply(rechargeApply(sub_mchid, out_recharge_no));
    await this.#control(`/recharges/${mchid}/${out_recharge_no}/pay`, { channel: 'QR_RECHARGE' });
    return { sub_mchid };
  }

  /** A cancellation application of the platform's first sub-merchant, still ACCEPTED (not yet reviewed). */
  async acceptedApplication(out_request_no: string): Promise<{ sub_mchid: string; applyment_id: string }> {
    const sub_mchid = this.#h.emulator.merchants.platform.subMchids[0]!;
    const { applyment_id } = await this.#h.sdk.platform.cancelWithdraws.apply(
      cancelOnlyApply(sub_mchid, out_request_no),
    );
    return { sub_mchid, applyment_id };
  }

  /** The same application reviewed and confirmed by the platform with the seed example's content. */
  async confirmedApplication(out_request_no: string): Promise<{ sub_mchid: string; applyment_id: string }> {
    const application = await this.acceptedApplication(out_request_no);
    await this.#h.advance((await this.#h.control('GET', '/settings')).body.asyncStepMs / 1000);
    await this.#h.sdk.platform.cancelWithdraws.confirm({ ...application, ...CONFIRM });
    return application;
  }
}
