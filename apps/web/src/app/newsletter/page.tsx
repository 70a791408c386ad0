import type { Metadata } from 'next'
import { SignupBlock } from '@/components/SignupBlock'

export const metadata: Metadata = {
  title: 'The weekly guide',
  description: 'One running guide a week from Runsense. Calm, useful, no spam.',
  alternates: { canonical: '/newsletter' },
}

type Props = { searchParams: Promise<{ error?: string; email?: string }> }

export default async function NewsletterPage({ searchParams }: Props) {
  const { error, email } = await searchParams
  return (
    <>
      <h1 className="page-title">The weekly guide</h1>
      <p>
        Once a week we send one running guide by email. Every guide is reviewed before it is published, and says who reviewed it and when. You confirm
        your address once, and every email has a one-click unsubscribe link.
      </p>
      <SignupBlock source="newsletter" error={typeof error === 'string' ? error.slice(0, 200) : undefined} value={typeof email === 'string' ? email.slice(0, 254) : undefined} />
    </>
  )
}
