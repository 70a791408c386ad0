/**
 * Bounds on the work one GraphQL request can ask for (staff accounts can reach GraphQL; readers
 * never need it). Payload's own complexity rule adds a fixed cost per relationship and ignores
 * `limit`, so a query that nests the editorial-notes ↔ article join fits under it many levels
 * deep while every level multiplies the documents read by its limit. Two rules, checked before
 * anything runs:
 *  - depth: at most MAX_DEPTH nested selections (graphql-armor's max-depth rule);
 *  - cost: an estimate of the documents and fields resolved, where each field taking `limit`
 *    (collection lists, joins) multiplies what is below it by that limit (10 when not given,
 *    as Payload does; 0, "no limit", counts as UNBOUNDED). At most MAX_COST.
 */
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import {
  GraphQLError,
  type ExecutionArgs,
  type FieldNode,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  Kind,
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  valueFromASTUntyped,
} from 'graphql'

export const MAX_DEPTH = 10
export const MAX_COST = 10_000
const DEFAULT_LIMIT = 10
const UNBOUNDED = 100_000
/** A list without a `limit` (hasMany relationships, arrays, blocks): assume this many items. */
const UNPAGED_LIST = 10

/** The `limit` a field was given, or null when the field takes none. */
function limitOf(node: FieldNode, takesLimit: boolean, variables: Record<string, unknown>): number | null {
  if (!takesLimit) return null
  const arg = node.arguments?.find((a) => a.name.value === 'limit')
  if (!arg) return DEFAULT_LIMIT
  const value = valueFromASTUntyped(arg.value, variables)
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(n)) return DEFAULT_LIMIT
  return n <= 0 ? UNBOUNDED : n
}

function costRule(variables: Record<string, unknown>): ValidationRule {
  return (context: ValidationContext) => {
    const cost = (set: SelectionSetNode | undefined, type: GraphQLNamedType | undefined, multiplier: number, seen: Set<string>): number => {
      if (!set) return 0
      let total = 0
      for (const sel of set.selections) {
        if (total > MAX_COST) return total
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue
          const def = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[sel.name.value] : undefined
          const limit = limitOf(sel, Boolean(def?.args.some((a) => a.name === 'limit')), variables)
          const raw = def ? (isNonNullType(def.type) ? def.type.ofType : def.type) : undefined
          // `docs` is the list its parent's limit already counted.
          const fanout = limit ?? (raw && isListType(raw) && sel.name.value !== 'docs' && sel.selectionSet ? UNPAGED_LIST : 1)
          total += multiplier + cost(sel.selectionSet, def ? getNamedType(def.type) : undefined, multiplier * fanout, seen)
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const on = sel.typeCondition ? context.getSchema().getType(sel.typeCondition.name.value) : type
          total += cost(sel.selectionSet, on ?? undefined, multiplier, seen)
        } else {
          const fragment = context.getFragment(sel.name.value)
          // A fragment spreading itself is invalid anyway (graphql's own rule reports it).
          if (!fragment || seen.has(fragment.name.value)) continue
          const on = context.getSchema().getType(fragment.typeCondition.name.value)
          total += cost(fragment.selectionSet, on ?? undefined, multiplier, new Set([...seen, fragment.name.value]))
        }
      }
      return total
    }
    return {
      OperationDefinition(operation) {
        const root = operation.operation === 'mutation' ? context.getSchema().getMutationType() : context.getSchema().getQueryType()
        const total = cost(operation.selectionSet, root ?? undefined, 1, new Set())
        if (total > MAX_COST) {
          context.reportError(
            new GraphQLError(`This query would read too much: its estimated cost is over ${MAX_COST}. Ask for fewer documents (a smaller limit) or fewer nested relations.`),
          )
        }
      },
    }
  }
}

/** For payload.config.ts: `graphQL.validationRules`. */
export const graphQLLimits = (args: ExecutionArgs): ValidationRule[] => [
  maxDepthRule({
    n: MAX_DEPTH,
    // Report like graphql's own rules (an answer with `errors`), rather than throwing.
    propagateOnRejection: false,
    onReject: [(context, error) => (context as ValidationContext).reportError(error)],
  }),
  costRule((args.variableValues as Record<string, unknown> | undefined) ?? {}),
]
