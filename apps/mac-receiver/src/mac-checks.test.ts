import type { CommandRunner } from '@keyroom/device-kit'
import { describe, expect, it } from 'vitest'
import { checkAccessibility, checkInjectionBlocked, detectSecureInput } from './mac-checks.js'

const ioreg =
  (stdout: string, code = 0): CommandRunner =>
  async () => ({ code, stdout, stderr: '' })
const permissions = (status: string) => async () => ({
  getAuthStatus: (type: string) => (type === 'accessibility' ? status : ''),
})

describe('macOS checks', () => {
  it('finds the Secure Input pid in ioreg output', async () => {
    const out =
      '| "IOConsoleUsers" = ({"kCGSSessionOnConsoleKey"=Yes,"kCGSSessionSecureInputPID"=412,"kCGSSessionUserIDKey"=501})'
    expect(await detectSecureInput(ioreg(out))).toBe(412)
    expect(
      await detectSecureInput(ioreg('| "IOConsoleUsers" = ({"kCGSSessionOnConsoleKey"=Yes})')),
    ).toBeUndefined()
    expect(await detectSecureInput(ioreg('', 127))).toBeUndefined()
  })

  it('reads the Accessibility status, unknown when the module is missing', async () => {
    expect(await checkAccessibility(permissions('authorized'))).toBe('authorized')
    expect(await checkAccessibility(permissions('denied'))).toBe('denied')
    expect(
      await checkAccessibility(async () => {
        throw new Error('Cannot find module')
      }),
    ).toBe('unknown')
  })

  it('says what blocks injection and what to do', async () => {
    const denied = await checkInjectionBlocked({
      platform: 'darwin',
      run: ioreg(''),
      loadPermissions: permissions('denied'),
      execPath: '/opt/homebrew/bin/node',
    })
    expect(denied).toMatch(/Accessibility.*denied.*\/opt\/homebrew\/bin\/node.*Privacy & Security/)
    const secure = await checkInjectionBlocked({
      platform: 'darwin',
      run: ioreg('"kCGSSessionSecureInputPID"=77'),
      loadPermissions: permissions('authorized'),
    })
    expect(secure).toMatch(/Secure Input.*77/)
    expect(
      await checkInjectionBlocked({
        platform: 'darwin',
        run: ioreg(''),
        loadPermissions: permissions('authorized'),
      }),
    ).toBeUndefined()
    expect(
      await checkInjectionBlocked({ platform: 'linux', run: ioreg('"kCGSSessionSecureInputPID"=1') }),
    ).toBeUndefined()
  })
})
