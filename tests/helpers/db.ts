import pg from 'pg'

/** One statement on the test database (DATABASE_URL), on a connection of its own; its rows. */
export async function sql<Row = any>(text: string, values: unknown[] = []): Promise<Row[]> {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL })
  db.on('error', () => {})
  await db.connect()
  try {
    return (await db.query(text, values)).rows
  } finally {
    await db.end()
  }
}
