/**
 * A job that writes does it in one transaction: when a later step fails (here: the database
 * refuses to queue its email), its earlier writes roll back with it, so the retry does the whole
 * work again instead of finding it "already done" and losing the rest.
 *
 * The failure is real: a trigger makes PostgreSQL refuse the queue row of that one email (matched
 * by a unique title, so other tests running meanwhile are untouched), and counts each refusal in
 * a sequence (a sequence is not rolled back), so the test knows the job did run and fail.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { sql } from '../helpers/db'
import { act, guideAt, rest, workflowOf } from '../helpers/api'
import { waitForMail } from '../helpers/mail'
import { eventually } from '../helpers/poll'

const drops: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const drop of drops.splice(0)) await drop()
})

/** Until dropped, the database refuses to queue any job whose input mentions `text`. */
async function refuseJobsMentioning(text: string) {
  const name = `test_refuse_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`
  const literal = `'%${text.replace(/'/g, "''").replace(/[%_\\]/g, '\\$&')}%'`
  await sql(`create sequence ${name}`)
  await sql(`create function ${name}() returns trigger language plpgsql as $$
    begin
      if new.input::text like ${literal} then
        perform nextval('${name}');
        raise exception 'refused by the test';
      end if;
      return new;
    end $$`)
  await sql(`create trigger ${name} before insert on payload_jobs for each row execute function ${name}()`)
  let dropped = false
  const drop = async () => {
    if (dropped) return
    dropped = true
    await sql(`drop trigger if exists ${name} on payload_jobs`)
    await sql(`drop function if exists ${name}()`)
    await sql(`drop sequence if exists ${name}`)
  }
  drops.push(drop)
  const refusals = async () => {
    const [row] = await sql(`select last_value, is_called from ${name}`)
    return row.is_called ? Number(row.last_value) : 0
  }
  return { refusals, drop }
}

describe('jobs that write do it in one transaction', () => {
  it('review cadence: a notice that cannot be queued leaves the guide unclaimed, and the retry notifies', async () => {
    const title = `Overdue atomic ${Date.now()}`
    const guide = await guideAt('published', { title })
    const refuse = await refuseJobsMentioning(`Review due: ${title}`)
    await sql(`update articles set next_review_due = now() - interval '1 day' where id = $1`, [guide.id])
    // npm test runs the cadence every 10 s.
    expect(await eventually(refuse.refusals, (n) => n > 0, 40_000)).toBeGreaterThan(0)
    const [row] = await sql('select overdue_notified_at from articles where id = $1', [guide.id])
    expect(row.overdue_notified_at).toBeNull()

    await refuse.drop()
    await waitForMail('editor@runsense.local', (m) => m.subject === `Review due: ${title}`, { timeoutMs: 40_000 })
    const [after] = await sql('select overdue_notified_at from articles where id = $1', [guide.id])
    expect(after.overdue_notified_at).not.toBeNull()
  })

  it('scheduled publish: a refusal whose email cannot be queued is not recorded either, and the retry records and emails it', async () => {
    const title = `Scheduled atomic ${Date.now()}`
    const guide = await guideAt('approved', { title })
    const refuse = await refuseJobsMentioning(`Scheduled publish failed: ${title}`)
    const at = new Date(Date.now() + 2000).toISOString()
    expect((await act(guide.id, 'editor', 'schedule_publish', { at })).status).toBe(200)
    // The gate will refuse at that time: the text changed after the sign-off.
    expect((await rest('PATCH', `/api/articles/${guide.id}`, { as: 'editor2', body: { summary: 'Changed after the sign-off.' } })).status).toBe(200)
    expect(await eventually(refuse.refusals, (n) => n > 0, 30_000)).toBeGreaterThan(0)
    const during = (await workflowOf(guide.id)).body
    expect(during.scheduledPublish?.at).toBe(at)
    expect(during.scheduledPublish?.error ?? null).toBeNull()

    await refuse.drop()
    await waitForMail('editor@runsense.local', (m) => m.subject === `Scheduled publish failed: ${title}`, { timeoutMs: 40_000 })
    const wf = (await workflowOf(guide.id)).body
    expect(wf.scheduledPublish.error).toMatch(/failed: It is no longer signed off/)
    expect(wf.live).toBe(false)
  })
})
