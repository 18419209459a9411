import { createIdentity, type Identity } from '@keyroom/room-client'

/**
 * How this phone's identity key is kept:
 * - `wrapped`: in IndexedDB, encrypted with AES-GCM under a non-extractable WebCrypto key that is itself kept in
 *   IndexedDB. The published pattern (W3C Web Cryptography API, "CryptoKey interface" and its structured
 *   serialization; MDN, `CryptoKey.extractable`): a CryptoKey can be stored in IndexedDB and keeps
 *   `[[extractable]]` false, so no script, not even the keypad's own, can export its bytes. Signing (Ed25519 with
 *   @noble) needs the raw secret in memory, so it is decrypted at load; what leaves the browser in a copied
 *   profile or a synced backup is ciphertext.
 * - `plain`: in IndexedDB as bytes, where the page has no WebCrypto (plain http on a LAN address is not a secure
 *   context), as SECURITY.md says.
 * - `memory`: no IndexedDB at all (some private modes): a new identity each visit, so each visit is a new device.
 */
export type KeptAs = 'wrapped' | 'plain' | 'memory'

const DB = 'keyroom'
const STORE = 'identity'
const RECORD = 'device'

type Record_ = { wrapKey: CryptoKey; iv: Uint8Array; sealed: ArrayBuffer } | { secret: Uint8Array }

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

async function openDb(idb: IDBFactory): Promise<IDBDatabase> {
  const open = idb.open(DB, 1)
  open.onupgradeneeded = () => open.result.createObjectStore(STORE)
  return request(open)
}

async function read(db: IDBDatabase): Promise<unknown> {
  return request(db.transaction(STORE, 'readonly').objectStore(STORE).get(RECORD))
}

async function write(db: IDBDatabase, record: Record_): Promise<void> {
  await request(db.transaction(STORE, 'readwrite').objectStore(STORE).put(record, RECORD))
}

async function unwrap(record: unknown, subtle: SubtleCrypto | undefined): Promise<Uint8Array | undefined> {
  if (typeof record !== 'object' || record === null) return undefined
  const r = record as Partial<{ wrapKey: CryptoKey; iv: Uint8Array; sealed: ArrayBuffer; secret: Uint8Array }>
  if (r.secret instanceof Uint8Array && r.secret.length === 32) return r.secret
  if (!subtle || !r.wrapKey || !(r.iv instanceof Uint8Array) || !(r.sealed instanceof ArrayBuffer))
    return undefined
  try {
    const plain = new Uint8Array(
      await subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(r.iv) }, r.wrapKey, r.sealed),
    )
    return plain.length === 32 ? plain : undefined
  } catch {
    return undefined
  }
}

async function wrap(secret: Uint8Array, subtle: SubtleCrypto): Promise<Record_> {
  const wrapKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, wrapKey, new Uint8Array(secret))
  return { wrapKey, iv, sealed }
}

/**
 * This phone's identity: the one kept in IndexedDB, or a new one, kept as well as the page can (see KeptAs). A record
 * that does not open (storage is untrusted) is replaced by a new identity: this phone then pairs again.
 */
export async function keptIdentity(
  idb: IDBFactory | undefined,
  subtle: SubtleCrypto | undefined,
): Promise<{ identity: Identity; keptAs: KeptAs }> {
  let db: IDBDatabase | undefined
  try {
    db = idb ? await openDb(idb) : undefined
  } catch {
    db = undefined
  }
  if (!db) return { identity: createIdentity(), keptAs: 'memory' }
  try {
    const record = await read(db)
    const secret = await unwrap(record, subtle)
    if (secret)
      return {
        identity: createIdentity(secret),
        keptAs: 'secret' in (record as object) ? 'plain' : 'wrapped',
      }
    const identity = createIdentity()
    await write(db, subtle ? await wrap(identity.secretKey, subtle) : { secret: identity.secretKey })
    return { identity, keptAs: subtle ? 'wrapped' : 'plain' }
  } catch {
    return { identity: createIdentity(), keptAs: 'memory' }
  } finally {
    db.close()
  }
}
