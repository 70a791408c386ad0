/** The admin view for two-factor sign-in (/admin/second-factor). */
import type { AdminViewServerProps } from 'payload'
import { Gutter } from '@payloadcms/ui'
import { AdminFrame } from './AdminFrame'
import { SecondFactorForm } from './SecondFactorForm'

export function SecondFactorView(props: AdminViewServerProps) {
  return (
    <AdminFrame {...props}>
      <Gutter>
        <h1 style={{ margin: '1.5rem 0' }}>Two-factor sign-in</h1>
        <SecondFactorForm />
      </Gutter>
    </AdminFrame>
  )
}
