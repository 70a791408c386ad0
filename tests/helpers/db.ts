import { queryOnce } from '../../scripts/lib/embedded-pg.mjs'

/** One statement on the test database (DATABASE_URL), on a connection of its own; its rows. */
export const sql = <Row = any>(text: string, values: unknown[] = []): Promise<Row[]> => queryOnce(process.env.DATABASE_URL!, text, values) as Promise<Row[]>
