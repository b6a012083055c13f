// Preloaded (NODE_OPTIONS=--import) into a cf-shares child by the credential secrets test: records the digest of
// every HMAC the process computes to the file named by CF_SHARES_TEST_HMAC_LOG, so the test can search the
// process's output, files and Redis for them. The digests exist only there, in a test's scratch folder.
import crypto from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.CF_SHARES_TEST_HMAC_LOG;
if (log) {
  const original = crypto.createHmac;
  crypto.createHmac = function createHmac(...args) {
    const hmac = original.apply(this, args);
    const digest = hmac.digest.bind(hmac);
    hmac.digest = (encoding) => {
      const bytes = digest();
      appendFileSync(log, `${bytes.toString('hex')}\n`);
      return encoding === undefined ? bytes : bytes.toString(encoding);
    };
    return hmac;
  };
  // ESM named imports of node:crypto (`import { createHmac }`) see the patched function only after this.
  syncBuiltinESMExports();
}
