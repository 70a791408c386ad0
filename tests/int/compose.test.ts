/**
 * docker-compose.yml stays in step with the apps: every environment variable the apps read (found
 * by scanning their source) that a container run needs is declared on the right service, ports
 * match the Dockerfiles, and the cache's nginx config exists and points at the site.
 * Unit tier: reads files only, no Docker and no network.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it, expect } from 'vitest'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const read = (p: string) => fs.readFileSync(path.resolve(root, p), 'utf8')

type Port = string | number | { target?: number | string; published?: number | string }
type Volume = string | { type?: string; source?: string; target?: string }
type Service = {
  image?: string
  build?: string | { context?: string; dockerfile?: string; target?: string }
  ports?: Port[]
  environment?: Record<string, unknown> | string[]
  volumes?: Volume[]
  depends_on?: string[] | Record<string, { condition?: string }>
}

// Compose resolves YAML merge keys (<<: *anchor); so does this parse.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> }
const services = compose.services ?? {}
const service = (name: string): Service => {
  const s = services[name]
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`)
  return s
}

/** Variables an app's source reads as process.env.X or process.env['X']. */
function envReadBy(dir: string, exts: string[]): Set<string> {
  const names = new Set<string>()
  const re = /process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[\s*['"`]([A-Z_][A-Z0-9_]*)['"`]\s*\])/g
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.next') walk(p)
      } else if (exts.some((e) => entry.name.endsWith(e))) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(re)) names.add(m[1] ?? m[2])
      }
    }
  }
  walk(path.resolve(root, dir))
  return names
}

function envOf(s: Service): Record<string, string> {
  const env = s.environment ?? {}
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((e) => {
        const i = e.indexOf('=')
        return i === -1 ? [e, ''] : [e.slice(0, i), e.slice(i + 1)]
      }),
    )
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]))
}

/** [published, target] pairs; "127.0.0.1:3001:3001/tcp" and the long syntax are both accepted. */
function portsOf(s: Service): Array<[number, number]> {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') return [Number(p.published ?? p.target), Number(p.target)]
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':')
    const target = Number(parts[parts.length - 1])
    const published = parts.length > 1 ? Number(parts[parts.length - 2]) : target
    return [published, target]
  })
}

function dockerfileOf(s: Service): string {
  const b = s.build
  if (!b) throw new Error('service has no build section')
  const context = typeof b === 'string' ? b : (b.context ?? '.')
  const dockerfile = typeof b === 'string' ? 'Dockerfile' : (b.dockerfile ?? 'Dockerfile')
  return path.resolve(root, context, dockerfile)
}

/** Ports the image a service builds exposes: its build target's stage and the stages it is FROM (the last stage without a target). */
function exposed(s: Service): number[] {
  const stages = fs
    .readFileSync(dockerfileOf(s), 'utf8')
    .split(/^(?=FROM\s)/im)
    .filter((stage) => /^FROM\s/i.test(stage))
  const named = (name: string) => stages.find((stage) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${name}\\s*$`, 'im').test(stage.split('\n')[0]))
  const target = typeof s.build === 'object' ? s.build.target : undefined
  const ports: number[] = []
  for (let stage = target ? named(target) : stages.at(-1); stage; stage = named(/^FROM\s+(\S+)/i.exec(stage)![1])) {
    for (const m of stage.matchAll(/^\s*EXPOSE\s+(.+)$/gim)) ports.push(...m[1].split(/\s+/).map((p) => Number(p.replace(/\/(tcp|udp)$/, ''))))
  }
  return ports
}

const cmsEnvRead = envReadBy('apps/cms/src', ['.ts', '.tsx'])
const webEnvRead = envReadBy('apps/web/src', ['.ts', '.tsx'])

describe('docker-compose.yml', () => {
  it('has the production shape: a primary and a replica, Redis, the CMS and a worker, two site instances, the cache', () => {
    for (const name of ['postgres', 'postgres-replica', 'redis', 'cms', 'worker', 'web-1', 'web-2', 'cache']) expect(services, name).toHaveProperty(name)
  })

  it('publishes the CMS on 3001 and the site only through the cache, on 8080', () => {
    expect(portsOf(service('cms'))).toContainEqual([3001, 3001])
    expect(portsOf(service('cache'))).toContainEqual([8080, 8080])
    for (const name of ['web-1', 'web-2', 'worker', 'redis', 'postgres', 'postgres-replica']) expect(portsOf(service(name)), name).toEqual([])
  })

  it('runs jobs on the worker only, and reads from the replica', () => {
    expect(envOf(service('cms')).JOBS_AUTORUN).toBe('false')
    expect(envOf(service('worker')).JOBS_AUTORUN).toBeUndefined()
    expect(service('worker').build).toEqual(service('cms').build)
    for (const name of ['cms', 'worker']) expect(new URL(envOf(service(name)).DATABASE_REPLICA_URLS).hostname, name).toBe('postgres-replica')
    // The CMS tells every site instance what changed.
    expect(
      envOf(service('cms'))
        .SITE_INTERNAL_URL.split(',')
        .map((u) => new URL(u).hostname),
    ).toEqual(['web-1', 'web-2'])
    // …and has the cache fetch the pages it names again, on the refresh port nobody outside reaches.
    for (const name of ['cms', 'worker']) expect(envOf(service(name)).FRONT_REFRESH_URLS, name).toBe('http://cache:8081')
    expect(portsOf(service('cache')).map(([, inside]) => inside)).not.toContain(8081)
  })

  it('gives both site instances the same settings: the shared cache, one trusted proxy hop', () => {
    const [one, two] = [envOf(service('web-1')), envOf(service('web-2'))]
    expect(one).toEqual(two)
    expect(new URL(one.REDIS_URL).hostname).toBe('redis')
    expect(one.TRUST_PROXY).toBe('1')
  })

  const required = {
    cms: { read: cmsEnvRead, names: ['DATABASE_URL', 'PAYLOAD_SECRET', 'CMS_URL', 'SITE_URL', 'REVALIDATE_SECRET', 'SMTP_URL'] },
    'web-1': { read: webEnvRead, names: ['CMS_URL', 'SITE_URL', 'REVALIDATE_SECRET'] },
    'web-2': { read: webEnvRead, names: ['CMS_URL', 'SITE_URL', 'REVALIDATE_SECRET'] },
  }
  for (const [name, { read: envRead, names }] of Object.entries(required)) {
    it(`declares on ${name} every required variable its source reads`, () => {
      const wanted = names.filter((n) => envRead.has(n))
      // Guard against a scan that silently finds nothing (moved sources, broken regex).
      expect(wanted.length, `no required variable found in the ${name} app's source`).toBeGreaterThan(0)
      const declared = Object.keys(envOf(service(name)))
      const missing = wanted.filter((n) => !declared.includes(n))
      expect(missing, `apps/${name} reads these but compose does not set them`).toEqual([])
    })
  }

  it("points the site's CMS_URL at the cms service on its container port", () => {
    const url = new URL(envOf(service('web-1')).CMS_URL)
    expect(url.hostname).toBe('cms')
    const cmsTargets = portsOf(service('cms')).map(([, target]) => target)
    expect(cmsTargets).toContain(Number(url.port || (url.protocol === 'https:' ? 443 : 80)))
  })

  for (const name of ['cms', 'web-1', 'web-2']) {
    it(`builds ${name} from a Dockerfile that exposes the port it listens on`, () => {
      const dockerfile = dockerfileOf(service(name))
      expect(fs.existsSync(dockerfile), dockerfile).toBe(true)
      const s = service(name) as Service & { expose?: (string | number)[] }
      const targets = [...portsOf(s).map(([, target]) => target), ...(s.expose ?? []).map(Number)]
      expect(targets.length).toBeGreaterThan(0)
      for (const port of targets) expect(exposed(s), `${name}'s image`).toContain(port)
    })
  }

  it('mounts an nginx cache config that exists and proxies to the site', () => {
    const mounts = (service('cache').volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0] : (v.source ?? '')))
    const conf = mounts.find((m) => m.endsWith('.conf'))
    expect(conf, 'the cache service mounts no .conf file').toBeDefined()
    const file = path.resolve(root, conf!)
    expect(fs.existsSync(file), file).toBe(true)
    const text = fs.readFileSync(file, 'utf8')
    expect(text).toContain('proxy_cache_path')
    expect(text).toContain('proxy_pass http://runsense_site')
    // The upstream names every site instance of the compose file, on the port it listens on.
    const upstream = text.match(/upstream runsense_site \{([^}]*)\}/)?.[1] ?? ''
    const servers = [...upstream.matchAll(/server\s+([\w-]+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`)
    expect(servers).toEqual(['web-1:3000', 'web-2:3000'])
  })
})
