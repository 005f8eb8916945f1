import type { MerchantKey } from './credentials.js';

/**
 * The merchant numbers and appids every fresh data folder gets, so documentation and snippets can name them. They
 * are taken from the sample values of the official pages where those do not collide (authorizations: 1900000001;
 * recharges: platform 1900001109, sub-merchant 1900001121; cancellation: sub-merchant 1900000109; appid
 * wxf636efh567hg4356), and chosen otherwise. Keys, serials and APIv3 keys are still generated per data folder.
 */
export interface DevMerchant {
  mchid: string;
  appid: string;
  subMerchants: ReadonlyArray<{ mchid: string; appid: string }>;
}

export const DEV_MERCHANTS: Readonly<Record<MerchantKey, DevMerchant>> = {
  ordinary: { mchid: '1900000001', appid: 'wxf636efh567hg4356', subMerchants: [] },
  serviceProvider: {
    mchid: '1230000109',
    appid: 'wxd678efh567hg6787',
    subMerchants: [
      { mchid: '1900000211', appid: 'wx0000001900000211' },
      { mchid: '1900000212', appid: 'wx0000001900000212' },
    ],
  },
  platform: {
    mchid: '1900001109',
    appid: 'wx8888888888888888',
    subMerchants: [
      { mchid: '1900001121', appid: 'wx0000001900001121' },
      { mchid: '1900000109', appid: 'wx0000001900000109' },
    ],
  },
};
