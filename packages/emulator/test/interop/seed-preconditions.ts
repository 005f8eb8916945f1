import type { RunningEmulator } from '@wxpay-kit/emulator';
import { WechatPay } from '@wxpay-kit/sdk';
import { control } from './plugin-support.js';

/**
 * Brings resources into the state each seed operation acts on. Creation goes through wxpay-kit's SDK and the
 * control API (the user's and WeChat Pay's side); only the seed operations themselves go through the plugin.
 */
export class SeedPreconditions {
  readonly #emulator: RunningEmulator;
  readonly #notifyUrl: string;
  readonly #ordinary: WechatPay;
  readonly #serviceProvider: WechatPay;
  readonly #platform: WechatPay;

  constructor(emulator: RunningEmulator, notifyUrl: string) {
    this.#emulator = emulator;
    this.#notifyUrl = notifyUrl;
    // Retries off: a precondition that fails must fail at once, not be retried into a different state.
    this.#ordinary = new WechatPay({ ...emulator.clientOptions('ordinary'), retry: false });
    this.#serviceProvider = new WechatPay({ ...emulator.clientOptions('serviceProvider'), retry: false });
    this.#platform = new WechatPay({ ...emulator.clientOptions('platform'), retry: false });
  }

  /** An authorization the user agreed to in WeChat: TAKING_EFFECT. */
  async confirmedAuthorization(outAuthorizationNo: string): Promise<void> {
    const { mchid, appid } = this.#emulator.merchants.ordinary;
    await this.#ordinary.authorizations.apply({
      out_authorization_no: outAuthorizationNo,
      appid,
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_scene_id: '1000',
      user_display_name: 'wx_123456',
      user_recv_perception: '现金奖励',
      authorization_notify_url: this.#notifyUrl,
    });
    await control(this.#emulator, `authorizations/${mchid}/${outAuthorizationNo}/confirm`);
  }

  /** A partner transfer bill whose funds are locked and that waits for the user: WAIT_USER_CONFIRM. */
  async billWaitingForUser(outBillNo: string): Promise<{ sub_mchid: string }> {
    const { appid, subMchids } = this.#emulator.merchants.serviceProvider;
    const subMchid = subMchids[0]!;
    await this.#serviceProvider.transferBills.partnerCreate({
      sub_mchid: subMchid,
      appid,
      out_bill_no: outBillNo,
      transfer_scene_id: '1000',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_amount: 400,
      transfer_remark: '新会员开通有礼',
      transfer_scene_report_infos: [
        { info_type: '活动名称', info_content: '新会员有礼' },
        { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
      ],
    });
    // ACCEPTED → PROCESSING → WAIT_USER_CONFIRM are two automatic steps, one asyncStepMs each.
    await this.#emulator.clock.advance(10_000);
    const bill = await this.#serviceProvider.transferBills.partnerGet({
      out_bill_no: outBillNo,
      sub_mchid: subMchid,
    });
    if (bill.state !== 'WAIT_USER_CONFIRM')
      throw new Error(`bill ${outBillNo} is ${bill.state}, not WAIT_USER_CONFIRM`);
    return { sub_mchid: subMchid };
  }

  async billState(outBillNo: string, subMchid: string): Promise<string | undefined> {
    return (
      await this.#serviceProvider.transferBills.partnerGet({ out_bill_no: outBillNo, sub_mchid: subMchid })
    ).state;
  }

  /** An unpaid recharge of the platform's first sub-merchant: RECHARGING. */
  async rechargingRecharge(outRechargeNo: string): Promise<{ sub_mchid: string }> {
    const subMchid = this.#emulator.merchants.platform.subMchids[0]!;
    await this.#platform.recharges.apply({
      sub_mchid: subMchid,
      out_recharge_no: outRechargeNo,
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      account_type: 'DEPOSIT',
      recharge_amount: { amount: 10_000, currency: 'CNY' },
    });
    return { sub_mchid: subMchid };
  }

  /**
   * A cancellation application, still ACCEPTED (review not yet run). A sub-merchant may have one application in
   * progress at a time, so each test names the sub-merchant (the platform has two).
   */
  async acceptedCancelWithdraw(
    outRequestNo: string,
    subMchid: string,
  ): Promise<{ sub_mchid: string; applyment_id: string }> {
    const { applyment_id } = await this.#platform.cancelWithdraws.apply({
      sub_mchid: subMchid,
      out_request_no: outRequestNo,
      withdraw: 'NOT_APPLY_WITHDRAW',
    });
    return { sub_mchid: subMchid, applyment_id };
  }

  /** Lets the machine review run: an application without proof documents becomes WAITING_MERCHANT_CONFIRM. */
  async passReview(outRequestNo: string): Promise<void> {
    await this.#emulator.clock.advance(10_000);
    const state = await this.cancelWithdrawState(outRequestNo);
    if (state !== 'WAITING_MERCHANT_CONFIRM') {
      throw new Error(`application ${outRequestNo} is ${state}, not WAITING_MERCHANT_CONFIRM`);
    }
  }

  async cancelWithdrawState(outRequestNo: string): Promise<string> {
    return (await this.#platform.cancelWithdraws.get({ out_request_no: outRequestNo })).cancel_state;
  }
}
