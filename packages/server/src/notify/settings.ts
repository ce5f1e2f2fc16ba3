// The notification settings in force for one repository: the global
// :notifications with the repo's own keys laid over them, key by key.
import { NOTIFY_EVENTS, type NotificationSettings, type NotifyEvent, type WebhookSettings } from "../config/notifications.js";

export interface EffectiveNotifications {
  to: string[];
  on: NotifyEvent[];
  webhook: WebhookSettings | null;
}

/** `repo`'s keys over `global`'s; `:on` defaults to every event. */
export function effectiveNotifications(global: NotificationSettings, repo: NotificationSettings | undefined): EffectiveNotifications {
  const pick = <K extends keyof NotificationSettings>(key: K) => (repo !== undefined && repo[key] !== undefined ? repo[key] : global[key]);
  const webhook = pick("webhook");
  return {
    to: pick("to") ?? [],
    on: pick("on") ?? [...NOTIFY_EVENTS],
    webhook: webhook === undefined || webhook === false ? null : webhook,
  };
}
