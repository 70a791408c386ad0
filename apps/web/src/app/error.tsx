'use client'

export default function ErrorPage() {
  return (
    <>
      <h1 className="page-title">This page is unavailable for a moment</h1>
      <p>We couldn&rsquo;t load this page just now. Please try again in a minute.</p>
    </>
  )
}
