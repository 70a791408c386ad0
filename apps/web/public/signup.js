// The signup form's one enhancement, for every page (it is the site's only script): post the
// form as JSON and answer beside the field, without a page load. Without this file, or without
// JavaScript, the same form posts normally and the answer is a page. Kept tiny on purpose.
document.addEventListener('submit', async (event) => {
  const form = event.target
  if (!(form instanceof HTMLFormElement) || !form.matches('form.signup-form')) return
  event.preventDefault()
  const data = new FormData(form)
  const button = form.querySelector('button[type=submit]')
  const input = form.querySelector('input[name=email]')
  const show = (text) => {
    let note = form.querySelector('#signup-error')
    if (!note) {
      note = document.createElement('p')
      note.id = 'signup-error'
      note.className = 'signup-message signup-message--error'
      note.setAttribute('role', 'alert')
      form.querySelector('.signup-row').after(note)
    }
    note.textContent = text
    input.setAttribute('aria-invalid', 'true')
    input.setAttribute('aria-describedby', 'signup-error')
  }
  button.disabled = true
  try {
    const res = await fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email: data.get('email'), source: data.get('source') || undefined, website: data.get('website') || undefined }),
    })
    const body = await res.json().catch(() => ({}))
    if (res.ok) {
      const done = document.createElement('p')
      done.className = 'signup-message signup-message--ok'
      done.setAttribute('role', 'status')
      done.textContent = body.message
      form.replaceWith(done)
      return
    }
    show(body.error || 'Something went wrong. Please try again.')
  } catch {
    show('We could not reach the server. Please try again.')
  }
  button.disabled = false
})
