'use client'
/**
 * The label of an inline citation in the guide editor (and in the read-only view a reviewer
 * gets): "[1] Gabbett 2016" — the number readers will see (first mention order, the same
 * numbering the site uses), first author and year — with the full formatted source on hover
 * and on keyboard focus.
 */
import { useLexicalComposerContext } from '@payloadcms/richtext-lexical/lexical/react/LexicalComposerContext'
import { useFormFields } from '@payloadcms/ui'
import { useEffect, useId, useState } from 'react'
import { numberCitations } from '@runsense/domain/citations'
import { citationLabel, type SourceData } from '@runsense/domain/sources'

type Loaded = SourceData & { formatted?: string }

// One request per source per page, however many chips cite it.
const cache = new Map<string, Promise<Loaded | null>>()
const sourceById = (id: string) => {
  if (!cache.has(id)) {
    cache.set(
      id,
      fetch(`/api/sources/${encodeURIComponent(id)}?depth=0`, { credentials: 'include' })
        .then((r) => (r.ok ? (r.json() as Promise<Loaded>) : null))
        .catch(() => null),
    )
  }
  return cache.get(id)!
}

const idOf = (v: unknown): string | null =>
  v === null || v === undefined || v === '' ? null : typeof v === 'object' ? ((v as { id?: unknown }).id == null ? null : String((v as { id: unknown }).id)) : String(v)

export function CitationChip() {
  const [editor] = useLexicalComposerContext()
  const sourceId = idOf(useFormFields(([fields]) => fields?.source?.value))
  const [number, setNumber] = useState<number | undefined>(undefined)
  const [source, setSource] = useState<Loaded | null>(null)
  const tipId = useId()

  // The reader number follows the text: recomputed on every change of the editor's content.
  useEffect(() => {
    const compute = () => setNumber(sourceId ? numberCitations(editor.getEditorState().toJSON()).numberOf(sourceId) : undefined)
    compute()
    return editor.registerUpdateListener(compute)
  }, [editor, sourceId])

  useEffect(() => {
    let live = true
    if (sourceId) void sourceById(sourceId).then((s) => live && setSource(s))
    else setSource(null)
    return () => {
      live = false
    }
  }, [sourceId])

  if (!sourceId) return <span className="citation-chip citation-chip--empty">Citation: choose a source</span>
  const label = `[${number ?? '?'}] ${source ? citationLabel(source) : '…'}`
  const full = source?.formatted ?? (source ? source.title : 'Loading the source…')
  return (
    <span className="citation-chip" data-testid="citation-chip" tabIndex={0} title={full} aria-describedby={tipId}>
      {label}
      <span role="tooltip" id={tipId} className="citation-chip__tip">
        {full}
      </span>
    </span>
  )
}
