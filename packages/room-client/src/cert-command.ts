import { readFileSync } from 'node:fs'
import type { Output } from './cli-commands.js'
import {
  certificateFingerprint,
  ensureLocalCertificate,
  type LocalCertificate,
  trustInstructions,
} from './local-ca.js'

/**
 * `keyroom cert`: makes (once) a local certificate authority and a server certificate for this machine's LAN
 * addresses, then says where they are, how to serve with them and how to trust the authority on a phone.
 */
export async function cert(
  options: { dir: string; addresses?: string[] },
  io: Output,
): Promise<LocalCertificate> {
  const made = await ensureLocalCertificate(options)
  io.out(
    made.created.ca
      ? `created a certificate authority: ${made.caCertPath} (its key ${made.caKeyPath}, readable by you only)`
      : `certificate authority: ${made.caCertPath} (kept from an earlier run)`,
  )
  io.out(
    `${made.created.cert ? 'created a server certificate' : 'server certificate (still valid)'} for ${made.names.join(', ')}:`,
  )
  io.out(`  TLS_CERT=${made.certPath}`)
  io.out(`  TLS_KEY=${made.keyPath}`)
  io.out(`Serve with it: TLS_CERT=${made.certPath} TLS_KEY=${made.keyPath} HOST=0.0.0.0 pnpm relay`)
  io.out('(or `pnpm start -- --phone`, which does all of this).')
  io.out(trustInstructions(made.caPhonePath))
  // What the phone shows once installed: the same value means the file was not swapped on its way there.
  io.out(
    `The authority's SHA-256 fingerprint, to compare on the phone: ${certificateFingerprint(readFileSync(made.caPhonePath))}`,
  )
  return made
}
