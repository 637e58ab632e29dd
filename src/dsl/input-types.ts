/**
 * The input types generated factories use: a widget input takes a literal or a link of its type.
 * @module
 */
import type { Link, Output } from './output.js'

/** A JSON literal (V3 widgets such as BOUNDING_BOX or CURVE take objects). */
export type LiteralValue = string | number | bigint | boolean | null | readonly LiteralValue[] | { readonly [key: string]: LiteralValue }

/** INT widget: a number, a bigint (seeds up to 2^64 - 1), or an INT link. */
export type IntInput = number | bigint | Link<'INT'>
/** FLOAT widget: a number or a FLOAT link. */
export type FloatInput = number | Link<'FLOAT'>
/** STRING widget: a string or a STRING link. */
export type StringInput = string | Link<'STRING'>
/** BOOLEAN widget: a boolean or a BOOLEAN link. */
export type BooleanInput = boolean | Link<'BOOLEAN'>
/** COMBO of files on the server (checkpoints, LoRAs, input images): any name, checked at validation time. */
export type FileInput = string | Link<'COMBO'>
/** COMBO with a fixed list: one of the options, or a COMBO link. */
export type ComboInput<T extends string | number | boolean> = T | Link<'COMBO'>
/** Any output (a `*` input). */
export type AnyOutput = Output
