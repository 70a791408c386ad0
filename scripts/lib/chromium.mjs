// The system Chromium and the flags it needs on these machines (docs/platform.md): no sandbox as root,
// no GPU, and no background networking (this network refuses it). Used by Playwright, the bench
// and the Lighthouse script.
export const chromiumPath = () => process.env.CHROMIUM_PATH || process.env.CHROME_PATH || '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]
