/** A comma-separated setting (URLs, mostly) as a list: blanks and spaces dropped. */
export const envList = (name: string): string[] =>
  (process.env[name] || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
