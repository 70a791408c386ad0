import Link from 'next/link'

export default function NotFound() {
  return (
    <>
      <h1 className="page-title">We couldn&rsquo;t find that page</h1>
      <p>The guide may have moved or been taken down while it is re-reviewed.</p>
      <p>
        <Link href="/">See all published guides</Link>
      </p>
    </>
  )
}
