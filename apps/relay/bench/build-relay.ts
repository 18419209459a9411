import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import ts from 'typescript'

const SOURCE = new URL('../src/', import.meta.url)
/** Inside the package, so the copy resolves `socket.io`, `pino` and `@keyroom/key-events` from its node_modules. */
const OUT = new URL('./.build/src/', import.meta.url)

/**
 * Transpiles the relay's source to plain JavaScript, as `tsc` builds it for production, and returns the entry's
 * URL. Running it under tsx instead would measure tsx: its `keepNames` wraps every named function the relay
 * creates per connection in `__name()`, about 2-3 KB of heap per connection that production does not have.
 */
export function transpileRelay(): URL {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  for (const file of readdirSync(SOURCE)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue
    const { outputText } = ts.transpileModule(readFileSync(new URL(file, SOURCE), 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    })
    writeFileSync(new URL(file.replace(/\.ts$/, '.js'), OUT), outputText)
  }
  return new URL('index.js', OUT)
}

export function removeTranspiledRelay(): void {
  rmSync(new URL('..', OUT), { recursive: true, force: true })
}
