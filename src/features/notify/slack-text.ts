import { safeText } from '../../terminal/safe-text.js';

/**
 * Text from the API made inert in a Slack `text` line: one line without control characters (safeText), and `&`, `<`
 * and `>` escaped as Slack asks, so a name cannot become a link, a mention (`<!channel>`) or markup.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function slackText(value: string): string {
  return safeText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
