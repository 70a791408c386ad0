// Loads payload's types so the generated file's `declare module 'payload'` augmentation type-checks on its own.
import type {} from 'payload'
