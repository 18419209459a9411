import { readFileSync, statSync } from 'node:fs'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { appendAudit, auditLogFile, MAX_AUDIT_BYTES, readAudit } from './device-store.js'

describe('the audit log', () => {
  it('stays within its size bound, keeps the newest entries whole, and never holds text content', () => {
    const dir = tempDir()
    const entry = (n: number) => ({
      time: new Date(Date.UTC(2026, 11, 3, 0, 0, n)).toISOString(),
      device: 'phone',
      fingerprint: '7XQ4-M2KD-9FHR-0WCE',
      action: 'text',
      length: n,
    })
    const count = Math.ceil((MAX_AUDIT_BYTES * 3) / JSON.stringify(entry(0)).length)
    for (let n = 0; n < count; n++) appendAudit(dir, entry(n))
    expect(statSync(auditLogFile(dir)).size).toBeLessThanOrEqual(MAX_AUDIT_BYTES)
    expect(statSync(auditLogFile(dir)).mode & 0o777).toBe(0o600)
    const kept = readAudit(dir)
    expect(kept.length).toBeGreaterThan(count / 10)
    // Whole lines only, in order, ending with the newest.
    expect(readFileSync(auditLogFile(dir), 'utf8').split('\n').filter(Boolean)).toHaveLength(kept.length)
    expect(kept.at(-1)).toEqual(entry(count - 1))
    expect(kept.map((e) => e.length)).toEqual(kept.map((_, i) => count - kept.length + i))
  })
})
